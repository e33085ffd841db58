package dev.soldout.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Consumer lag over the run: every second, the sum of every consumer's per-partition
 * {@code records-lag} on the operators' /metrics (the topology's, the workers', the projection's).
 */
final class LagSampler implements AutoCloseable {
  static final String METRIC = "kafka_consumer_fetch_manager_records_lag{";

  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1)).build();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-lag"));
  private final List<long[]> samples = new ArrayList<>();
  private final String url;
  private final long start;

  LagSampler(String opsUrl, long start) {
    this.url = opsUrl + "/metrics";
    this.start = start;
    timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  private void sample() {
    try {
      String text = client.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
      long lag = sum(text);
      synchronized (samples) {
        samples.add(new long[] {(System.nanoTime() - start) / 1_000_000, lag});
      }
    } catch (Exception unanswered) {
      // A missed sample is a gap in the series, not a failed run.
    }
  }

  /** The summed lag of a Prometheus text page; NaN (a partition not assigned yet) counts 0. */
  static long sum(String metrics) {
    long lag = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(METRIC)) {
        double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        lag += Double.isNaN(v) ? 0 : (long) v;
      }
    }
    return lag;
  }

  Map<String, Object> summary() {
    synchronized (samples) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("samples", samples.size());
      s.put("maxRecords", samples.stream().mapToLong(x -> x[1]).max().orElse(0));
      s.put("meanRecords", Math.round(samples.stream().mapToLong(x -> x[1]).average()
          .orElse(0)));
      s.put("lastRecords", samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[1]);
      List<List<Long>> series = new ArrayList<>();
      samples.forEach(x -> series.add(List.of(x[0], x[1])));
      s.put("seriesMsRecords", series);
      return s;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
