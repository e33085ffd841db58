package dev.soldout.app.chaos;

import dev.soldout.events.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The suite's results as JSON and as a Markdown table, side by side in one directory. */
final class ChaosReport {
  private ChaosReport() {}

  /** Writes {@code <name>.json} and {@code <name>.md} under {@code dir}; returns the .md. */
  static Path write(Path dir, String name, String command, Map<String, Object> setup,
      List<ScenarioResult> results) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", command);
    json.put("finishedAt", Instant.now().toString());
    json.put("setup", setup);
    json.put("scenarios", results);
    Files.write(dir.resolve(name + ".json"),
        Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    Path md = dir.resolve(name + ".md");
    Files.writeString(md, markdown(command, setup, results));
    return md;
  }

  static String markdown(String command, Map<String, Object> setup,
      List<ScenarioResult> results) {
    StringBuilder b = new StringBuilder();
    b.append("# Chaos run\n\n`").append(command).append("`, finished ").append(Instant.now())
        .append("\n\n");
    setup.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
    b.append("\n| scenario | result | attempted | accepted | succeeded | cancelled | lost"
        + " | doubles | charged w/o 202 | 409 | 503 on pay | fan errors | error rate in fault"
        + " | baseline p99 | recovery |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ScenarioResult r : results) {
      b.append(String.format(Locale.ROOT,
          "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %.1f %% of %d | %s | %s |%n",
          r.scenario(), r.passed() ? "pass" : "**FAIL**", r.attempted(), r.accepted(),
          r.succeeded(), r.cancelled(), r.lost(), r.doubles(), r.chargedWithout202(),
          r.holdRefused409(), r.payRefused503(), r.fanErrors(),
          100 * r.errorRateDuringFault(), r.callsDuringFault(), ms(r.baselineP99Ms()),
          r.recoveryMs() == null ? "not within the run" : ms(r.recoveryMs())));
    }
    b.append("\nRecovery: fault injected to the start of the first 5 s window of fans whose"
        + " purchase p99 (hold to terminal payment state; an error counts as never served) is"
        + " at most max(1.25 x baseline, baseline + 100 ms), held for 15 s. Error rate: calls"
        + " (hold, pay, poll) answered 5xx or not at all while the fault lasted.\n");
    for (ScenarioResult r : results) {
      b.append("\n## ").append(r.scenario()).append(r.passed() ? "" : " (FAILED)")
          .append("\n\n").append(r.fault()).append("; fault held ").append(ms(r.faultMs()))
          .append(", drain ").append(ms(r.drainMs())).append(", ").append(r.deadLetters())
          .append(" new DLQ record(s)\n\n");
      r.notes().forEach(n -> b.append("- ").append(n).append('\n'));
      r.violations().forEach(v -> b.append("- VIOLATION: ").append(v.replace("\n", "\n  "))
          .append('\n'));
    }
    return b.toString();
  }

  private static String ms(long ms) {
    return ms == Long.MAX_VALUE ? "none" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
