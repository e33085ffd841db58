package dev.soldout.app.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import dev.soldout.seats.catalog.DemoCatalog;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Starts a chaos stack, runs the chosen scenarios one after the other on it (each with a slice of
 * fresh seats), writes the report and stops everything, also when a scenario throws.
 */
public final class ChaosSuite {
  /** The knobs; {@link #full()} is the run, {@link #smoke()} the CI one. */
  public record Options(List<String> scenarios, int instances, long outageMs,
      ChaosRun.Timing timing, int seatsPerScenario, Path resultsDir, String reportName) {
    public static Options full() {
      return new Options(List.copyOf(Scenario.all().keySet()), 2, 30_000,
          new ChaosRun.Timing(20_000, 40_000, 180_000, 5), 600, Path.of("chaos", "results"),
          "chaos");
    }

    public static Options smoke(List<String> scenarios, Path resultsDir) {
      return new Options(scenarios, 2, 10_000, new ChaosRun.Timing(8_000, 12_000, 60_000, 4),
          200, resultsDir, "smoke");
    }

    public Options reportedAs(String name) {
      return new Options(scenarios, instances, outageMs, timing, seatsPerScenario, resultsDir,
          name);
    }

    public Options withScenarios(List<String> chosen) {
      return new Options(chosen, instances, outageMs, timing, seatsPerScenario, resultsDir,
          reportName);
    }
  }

  private ChaosSuite() {}

  /** Runs the scenarios and returns their results; the report is written even on a failure. */
  public static List<ScenarioResult> run(Options options, String command, PrintStream out)
      throws Exception {
    Map<String, Function<Long, Scenario>> table = Scenario.all();
    List<String> unknown = options.scenarios().stream().filter(s -> !table.containsKey(s))
        .toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown scenario(s) " + unknown + "; known: "
          + table.keySet());
    }
    // Always in the table's order, whatever order they were named in (see Scenario).
    List<Scenario> chosen = table.keySet().stream().filter(options.scenarios()::contains)
        .map(name -> table.get(name).apply(options.outageMs())).toList();
    int seatsPerPerformance = (chosen.size() * options.seatsPerScenario() + 1) / 2;
    List<ScenarioResult> results = new ArrayList<>();
    Map<String, Object> setup = new LinkedHashMap<>();
    long started = System.nanoTime();
    try (ChaosStack stack = ChaosStack.start(options.instances(), seatsPerPerformance, out)) {
      setup.put("stack", "3 KRaft brokers (RF 3, min ISR 2), Redis master + replica + 3"
          + " Sentinels, PostgreSQL behind a TCP proxy, sandbox PG, " + options.instances()
          + " app instances (child JVMs), all on 127.0.0.1");
      setup.put("load", options.timing().fansPerSecond() + " new fans/s (20 % racing for a"
          + " seat just taken), at most 40 between hold and 202");
      setup.put("phases", "baseline " + options.timing().baselineMs() / 1000 + " s, fault "
          + options.outageMs() / 1000 + " s (poison: one burst), load after the fault "
          + options.timing().afterMs() / 1000 + " s, drain up to "
          + options.timing().drainMs() / 1000 + " s");
      setup.put("stack start", String.format("%.0f s", (System.nanoTime() - started) / 1e9));
      List<FanLoad.Seat> seats = seats(stack.apiUrls().get(0));
      ChaosRun runner = new ChaosRun(stack, options.timing(), out);
      for (int i = 0; i < chosen.size(); i++) {
        Scenario scenario = chosen.get(i);
        List<FanLoad.Seat> slice = seats.subList(i * options.seatsPerScenario(),
            Math.min(seats.size(), (i + 1) * options.seatsPerScenario()));
        long t = System.nanoTime();
        ScenarioResult result;
        try {
          result = runner.run(scenario, slice);
        } catch (Exception e) {
          result = new ScenarioResult(scenario.name(), scenario.fault(), false, 0, 0, 0, 0, 0,
              0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, 0, List.of("the run threw: " + e), List.of());
          e.printStackTrace(out);
          results.add(result);
          // A stack left broken would fail every later scenario for the wrong reason.
          break;
        }
        results.add(result);
        out.printf("[%s] %s in %.0f s: %d attempted, %d accepted, %d lost, %d doubles,"
            + " recovery %s%n", scenario.name(), result.passed() ? "PASSED" : "FAILED",
            (System.nanoTime() - t) / 1e9, result.attempted(), result.accepted(), result.lost(),
            result.doubles(), result.recoveryMs() == null ? "none" : result.recoveryMs() + " ms");
        result.violations().forEach(v -> out.println("  VIOLATION " + v));
      }
    } finally {
      setup.put("total", String.format("%.0f s", (System.nanoTime() - started) / 1e9));
      Path md = ChaosReport.write(options.resultsDir(), options.reportName(), command, setup,
          results);
      out.println("report: " + md.toAbsolutePath());
    }
    return results;
  }

  /** Every seat of both demo performances, interleaved so a slice spans both. */
  private static List<FanLoad.Seat> seats(String api) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<List<FanLoad.Seat>> perPerformance = new ArrayList<>();
    for (String performance : DemoCatalog.PERFORMANCE_IDS) {
      String body = http.send(HttpRequest.newBuilder(URI.create(api + "/performances/"
              + performance + "/seats")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      List<FanLoad.Seat> list = new ArrayList<>();
      for (JsonNode seat : Json.mapper().readTree(body)) {
        list.add(new FanLoad.Seat(performance, seat.path("seatId").asText(),
            seat.path("price").asLong()));
      }
      perPerformance.add(list);
    }
    List<FanLoad.Seat> all = new ArrayList<>();
    int longest = perPerformance.stream().mapToInt(List::size).max().orElse(0);
    for (int i = 0; i < longest; i++) {
      for (List<FanLoad.Seat> list : perPerformance) {
        if (i < list.size()) {
          all.add(list.get(i));
        }
      }
    }
    return all;
  }
}
