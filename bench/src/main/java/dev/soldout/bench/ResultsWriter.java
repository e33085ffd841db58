package dev.soldout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a run as JSON (everything) and as a Markdown table (the figures a reader compares),
 * each under a name of its own and as {@code onsale-latest}, which the README quotes.
 */
final class ResultsWriter {
  private final Path dir;

  ResultsWriter(Path dir) {
    this.dir = dir;
  }

  void write(String run, Map<String, Object> report, PrintStream out) throws IOException {
    Files.createDirectories(dir);
    JsonNode tree = Json.mapper().valueToTree(report);
    String json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree);
    String markdown = markdown(tree);
    for (String name : new String[] {"onsale-" + run, "onsale-latest"}) {
      Files.writeString(dir.resolve(name + ".json"), json + "\n");
      Files.writeString(dir.resolve(name + ".md"), markdown);
    }
    out.println(markdown);
    out.println("written to " + dir.resolve("onsale-" + run + ".{json,md}"));
  }

  static String markdown(JsonNode r) {
    StringBuilder md = new StringBuilder();
    JsonNode m = r.path("machine");
    JsonNode c = r.path("configuration");
    JsonNode res = r.path("results");
    md.append("# On-sale bench ").append(r.path("run").asText()).append("\n\n");
    md.append(String.format("Machine: %d cores, %d MiB, %s. Load average before %s, at the rush"
        + " %s, after %s.%n%n", m.path("cores").asInt(), m.path("memoryMiB").asLong(),
        m.path("jdk").asText(), r.path("loadAverageBefore").asText(),
        res.path("loadAverageAtRush").asText(), res.path("loadAverageAfter").asText()));
    md.append(String.format("Configuration: %d fans arriving over %s s for %d seats, long-poll"
        + " %d ms; %d partitions, commit interval %d ms, RF %d.%n%n", c.path("fans").asInt(),
        c.path("arrivalSeconds").asText(), c.path("seats").asInt(),
        c.path("longPollWaitMs").asLong(), c.path("partitions").asInt(),
        c.path("commitIntervalMs").asLong(), c.path("replicationFactor").asInt()));
    md.append(String.format("Invariants: **%s**%s. Sold %d of %d seats, %d cancelled, %d fans"
        + " told sold out, %d hold attempts (%d refused as taken), %.1f s.%n%n",
        r.path("passed").asBoolean() ? "hold" : "BROKEN",
        r.path("violations").isEmpty() ? "" : " (" + r.path("violations").size()
            + " violations, see the JSON)",
        res.path("seatsSold").asLong(), res.path("seats").asInt(),
        res.path("cancelled").asLong(), res.path("fansToldSoldOut").asLong(),
        res.path("holdAttempts").asLong(), res.path("holdRefusedSeatTaken").asLong(),
        res.path("wallSeconds").asDouble()));
    md.append("| | count | sustained /s | peak /s | p50 ms | p90 ms | p99 ms | max ms |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    row(md, "holds", res.path("holds"), res.path("latency").path("hold"));
    row(md, "payments accepted (202)", res.path("acceptedPayments"),
        res.path("latency").path("paymentAccepted"));
    row(md, "payments completed (to terminal)", res.path("completedPayments"),
        res.path("latency").path("paymentToTerminal"));
    JsonNode stages = r.path("paymentStages");
    if (!stages.isMissingNode()) {
      md.append(String.format("%nWhere each payment's time went (%d first attempts that"
          + " succeeded, from the time each hop's record carries):%n%n",
          stages.path("total").path("count").asLong()));
      md.append("| stage | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
      stages.fields().forEachRemaining(stage -> md.append(String.format(
          "| %s | %.1f | %.1f | %.1f | %.1f |%n", stage.getKey(),
          stage.getValue().path("p50Ms").asDouble(), stage.getValue().path("p90Ms").asDouble(),
          stage.getValue().path("p99Ms").asDouble(), stage.getValue().path("maxMs").asDouble())));
    }
    JsonNode lag = res.path("consumerLag");
    JsonNode g = res.path("generator");
    StringBuilder byGroup = new StringBuilder();
    lag.path("maxRecordsByGroup").fields().forEachRemaining(e -> byGroup.append(
        byGroup.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
        .append(e.getValue().asLong()));
    md.append(String.format("%nConsumer lag (committed, summed over the application's consumer"
        + " groups and partitions, 1 s samples): max %d, mean %d, last %d records; each group's"
        + " max: %s.%n", lag.path("maxRecords").asLong(), lag.path("meanRecords").asLong(),
        lag.path("lastRecords").asLong(), byGroup));
    md.append(String.format("Load generator: %.1f CPU s, %.0f %% of the machine, %.0f %% of the"
        + " CPU in use (machine %.0f %% busy); worst arrival lag %.1f ms.%n",
        g.path("cpuSeconds").asDouble(), g.path("shareOfMachine").asDouble() * 100,
        g.path("shareOfBusyCpu").asDouble() * 100, g.path("machineBusyShare").asDouble() * 100,
        g.path("worstArrivalLagMs").asDouble()));
    JsonNode ceilings = r.path("ceilings");
    if (!ceilings.isMissingNode()) {
      md.append("\n| part alone | measured | cost per payment | payments/s it allows |\n");
      md.append("|---|---:|---:|---:|\n");
      for (Iterator<Map.Entry<String, JsonNode>> it = ceilings.path("parts").fields();
          it.hasNext();) {
        var part = it.next();
        JsonNode p = part.getValue();
        md.append(String.format("| %s | %,d %s | %s | %,d |%n", part.getKey(),
            p.path("alonePerS").asLong(), p.path("unit").asText(),
            p.path("costPerPayment").asText(), p.path("paymentsPerS").asLong()));
      }
      md.append(String.format("%nSustained %.1f completed payments/s = **%.0f %%** of the"
          + " tightest bound, %,d/s from **%s**.%n", ceilings.path("sustainedCompletedPerS")
          .asDouble(), ceilings.path("ratioToBound").asDouble() * 100,
          ceilings.path("boundPaymentsPerS").asLong(), ceilings.path("boundingPart").asText()));
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String name, JsonNode rate, JsonNode latency) {
    md.append(String.format("| %s | %d | %.1f | %d | %.1f | %.1f | %.1f | %.1f |%n", name,
        rate.path("count").asLong(), rate.path("sustainedPerS").asDouble(),
        rate.path("peakPerS").asLong(), latency.path("p50Ms").asDouble(),
        latency.path("p90Ms").asDouble(), latency.path("p99Ms").asDouble(),
        latency.path("maxMs").asDouble()));
  }
}
