package dev.soldout.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A Prometheus text scrape, read just enough to find series by name and labels. */
final class Scrape {
  private record Sample(String name, String labels, double value) {}

  private final String text;
  private final List<Sample> samples = new ArrayList<>();

  Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int split = line.lastIndexOf(' ');
      String series = line.substring(0, split);
      int brace = series.indexOf('{');
      samples.add(new Sample(brace < 0 ? series : series.substring(0, brace),
          brace < 0 ? "" : series.substring(brace), Double.parseDouble(line.substring(split + 1))));
    }
  }

  String text() {
    return text;
  }

  /** The sum over the series of {@code name} that carry every one of {@code labels}. */
  double sum(String name, String... labels) {
    return matching(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** Whether some series of {@code name} carries every one of {@code labels}. */
  boolean has(String name, String... labels) {
    return !matching(name, labels).isEmpty();
  }

  /** {@code labels} are {@code key="value"} pairs exactly as the scrape writes them. */
  private List<Sample> matching(String name, String... labels) {
    return samples.stream().filter(s -> s.name().equals(name))
        .filter(s -> Arrays.stream(labels).allMatch(s.labels()::contains)).toList();
  }
}
