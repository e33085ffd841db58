package dev.soldout.app.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.app.OpsChecks;
import dev.soldout.bench.check.Invariants;
import dev.soldout.events.Json;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one scenario on a running stack: fans arrive for a baseline, the fault is injected, kept
 * for its duration and lifted, fans go on arriving through the recovery, then arrivals stop, every
 * accepted payment is awaited to a terminal state, and the invariants are checked: the fans'
 * outcomes against the PG ledger (drill's {@link Invariants}), and the runbook's consistency and
 * duplicates commands, which must be clean. Every wait is bounded.
 */
final class ChaosRun {
  /** The phases' lengths; the fault's own length comes from the scenario. */
  record Timing(long baselineMs, long afterMs, long drainMs, double fansPerSecond) {}

  private static final long WINDOW_MS = 5_000;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final ChaosStack stack;
  private final Timing timing;
  private final PrintStream out;
  /** Every payment any fan was told about in this run, across scenarios. */
  private final Set<String> acknowledged = new HashSet<>();

  ChaosRun(ChaosStack stack, Timing timing, PrintStream out) {
    this.stack = stack;
    this.timing = timing;
    this.out = out;
  }

  ScenarioResult run(Scenario scenario, List<FanLoad.Seat> seats) throws Exception {
    List<String> notes = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    int dlqBefore = stack.checks().deadLetters().size();
    long origin = System.nanoTime();
    long injectAt;
    long recoverAt;
    long stopAt;
    FanLoad load = new FanLoad(stack.apiUrls(), seats, stack.tokens(), scenario.name(), 40,
        origin);
    try {
      out.printf("[%s] baseline %d s at %.0f fans/s%n", scenario.name(),
          timing.baselineMs() / 1000, timing.fansPerSecond());
      load.start(timing.fansPerSecond());
      Thread.sleep(timing.baselineMs());
      injectAt = load.nowMs();
      note(notes, scenario.inject().run(stack));
      out.printf("[%s] fault injected: %s%n", scenario.name(), scenario.fault());
      Thread.sleep(scenario.faultMs());
      recoverAt = load.nowMs();
      note(notes, scenario.recover().run(stack));
      out.printf("[%s] fault lifted after %d ms%n", scenario.name(), recoverAt - injectAt);
      Thread.sleep(timing.afterMs());
      load.stopArrivals();
      stopAt = load.nowMs();
      drain(load);
    } finally {
      load.close();
      // Whatever happened, the PG's faults are off for the checks and the next scenario.
      Scenario.pgFaults(stack, "{\"outage\":false,\"latencyMs\":0,\"errorRate\":0,"
          + "\"lostResponseRate\":0,\"declineRate\":0}");
    }
    long drainMs = load.nowMs() - stopAt;
    List<FanLoad.Journey> journeys = load.journeys();
    for (FanLoad.Journey j : journeys) {
      if (j.accepted() && !j.terminal()) {
        j.finalStatus = load.statusOf(j);
      }
    }
    List<FanLoad.Journey> accepted = journeys.stream().filter(FanLoad.Journey::accepted)
        .toList();
    accepted.forEach(j -> acknowledged.add(j.paymentTxId));
    int lost = (int) accepted.stream().filter(j -> !j.terminal()).count();
    accepted.stream().filter(j -> !j.terminal()).limit(10).forEach(j -> violations.add(
        "not terminal: " + j.paymentTxId + " (" + j.finalStatus + ")"));
    JsonNode ledger = Json.mapper().readTree(HTTP.send(HttpRequest.newBuilder(
        URI.create(stack.pgUrl() + "/v1/charges")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    List<Invariants.Outcome> outcomes = accepted.stream().filter(FanLoad.Journey::terminal)
        .map(j -> new Invariants.Outcome(j.paymentTxId, j.finalStatus, j.seat.key(),
            j.seat.price())).toList();
    violations.addAll(Invariants.check(outcomes, ledger));
    int doubles = doubles(accepted);
    int unacknowledged = chargedWithout202(ledger, notes);
    Set<String> touched = new HashSet<>();
    journeys.forEach(j -> {
      touched.add(j.seat.key());
      if (j.accepted()) {
        touched.add(j.paymentTxId);
      }
    });
    violations.addAll(runbookChecks(stack.checks(), touched, notes));
    if (scenario.check() != null) {
      violations.addAll(scenario.check().run(stack, notes));
    }
    int dlq = stack.checks().deadLetters().size() - dlqBefore;
    return measure(scenario, load, journeys, injectAt, recoverAt, stopAt, drainMs, lost,
        doubles, unacknowledged, dlq, violations, notes);
  }

  /** Waits (bounded) until every accepted payment is terminal and no fan is mid-purchase. */
  private void drain(FanLoad load) throws InterruptedException {
    long deadline = System.nanoTime() + timing.drainMs() * 1_000_000;
    while (System.nanoTime() < deadline) {
      boolean done = load.journeys().stream()
          .allMatch(j -> j.outcome != null && (!j.accepted() || j.terminal()));
      if (done) {
        return;
      }
      Thread.sleep(500);
    }
  }

  private static int doubles(List<FanLoad.Journey> accepted) {
    Map<String, Integer> sold = new HashMap<>();
    accepted.stream().filter(j -> "SUCCESS".equals(j.finalStatus))
        .forEach(j -> sold.merge(j.seat.key(), 1, Integer::sum));
    return (int) sold.values().stream().filter(n -> n > 1).count();
  }

  /** Money kept at the PG for a payment that no fan got a 202 (or 200) for. */
  private int chargedWithout202(JsonNode ledger, List<String> notes) {
    int count = 0;
    for (JsonNode charge : ledger) {
      long net = charge.path("amount").asLong() - charge.path("refundedAmount").asLong();
      String key = charge.path("idempotencyKey").asText();
      if ("APPROVED".equals(charge.path("status").asText()) && net > 0
          && !acknowledged.contains(key)) {
        count++;
        if (count <= 5) {
          notes.add("charged " + net + " for " + key + ", which no fan was told about");
        }
      }
    }
    return count;
  }

  /**
   * The runbook's consistency and duplicates checks at quiescence; the projection follows about a
   * second behind, so consistency is asked again for up to 30 s. Both read the whole stack, so a
   * difference left by an earlier scenario shows again: only the lines naming this scenario's
   * seats or payments are its violations, the others are counted in a note.
   */
  private static List<String> runbookChecks(OpsChecks checks, Set<String> touched,
      List<String> notes) throws InterruptedException {
    List<String> violations = new ArrayList<>();
    OpsChecks.Outcome consistency = checks.consistency();
    List<String> own = own(consistency, touched);
    for (int i = 0; i < 15 && !own.isEmpty(); i++) {
      Thread.sleep(2_000);
      consistency = checks.consistency();
      own = own(consistency, touched);
    }
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    own.forEach(line -> kinds.merge(line.split("\\s+")[0], 1, Integer::sum));
    if (!own.isEmpty()) {
      violations.add("consistency: " + own.size() + " difference(s) on this scenario's seats"
          + " or payments " + kinds + ", e.g.\n" + String.join("\n",
              own.subList(0, Math.min(5, own.size()))));
    } else if (consistency.exit() != 0 && differences(consistency).isEmpty()) {
      violations.add("consistency failed: " + head(consistency.output(), 5));
    }
    int carried = differences(consistency).size() - own.size();
    OpsChecks.Outcome duplicates = checks.duplicates();
    if (!duplicates.clean()) {
      violations.add("duplicates exit " + duplicates.exit() + ":\n"
          + head(duplicates.output(), 15));
    }
    notes.add(lastLine(consistency.output()) + " in the whole stack (consistency), "
        + carried + " of them left by earlier scenarios; " + lastLine(duplicates.output())
        + " (duplicates)");
    return violations;
  }

  /** The consistency command's difference lines: kind, subject, detail. */
  private static List<String> differences(OpsChecks.Outcome consistency) {
    return consistency.output().lines()
        .filter(l -> l.matches("^[A-Z_]{6,}\\s.*")).toList();
  }

  private static List<String> own(OpsChecks.Outcome consistency, Set<String> touched) {
    return differences(consistency).stream().filter(line -> {
      String[] words = line.split("\\s+");
      return java.util.Arrays.stream(words).anyMatch(touched::contains);
    }).toList();
  }

  private static String head(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(all, 0, Math.min(lines, all.length)));
  }

  private static String lastLine(String text) {
    String[] all = text.strip().split("\n");
    return all[all.length - 1];
  }

  private static void note(List<String> notes, String note) {
    if (note != null) {
      notes.add(note);
    }
  }

  private ScenarioResult measure(Scenario scenario, FanLoad load, List<FanLoad.Journey> journeys,
      long injectAt, long recoverAt, long stopAt, long drainMs, int lost, int doubles,
      int unacknowledged, int dlq, List<String> violations, List<String> notes) {
    // Journeys still in flight at the fault would carry it into the baseline.
    long baselineP99 = p99(journeys.stream()
        .filter(j -> j.endMs >= 0 && j.endMs < injectAt)
        .map(FanLoad.Journey::latencyMs).toList());
    // A shared 2-core machine is noisy: a quarter above the baseline (and at least 100 ms)
    // still counts as back to normal.
    long threshold = baselineP99 == Long.MAX_VALUE ? Long.MAX_VALUE
        : Math.max(baselineP99 * 5 / 4, baselineP99 + 100);
    Long recovery = recovery(journeys, injectAt, stopAt, threshold);
    List<FanLoad.Call> during = load.calls().stream()
        .filter(c -> !c.kind().equals("sweep") && c.atMs() >= injectAt
            && c.atMs() <= Math.max(recoverAt, injectAt + WINDOW_MS))
        .toList();
    long errors = during.stream().filter(c -> c.status() < 0 || c.status() >= 500).count();
    notes.add(load.rerouted() + " calls rerouted to another instance after a refused"
        + " connection; " + load.turnedAway() + " fans turned away (40 mid-purchase already)");
    int accepted = (int) journeys.stream().filter(FanLoad.Journey::accepted).count();
    int succeeded = count(journeys, "SUCCESS");
    int cancelled = count(journeys, "CANCELLED");
    int refused409 = outcomes(journeys, FanLoad.Journey.Outcome.HOLD_REFUSED);
    int refused503 = outcomes(journeys, FanLoad.Journey.Outcome.PAY_REFUSED);
    int fanErrors = outcomes(journeys, FanLoad.Journey.Outcome.HOLD_ERROR)
        + outcomes(journeys, FanLoad.Journey.Outcome.PAY_ERROR)
        + outcomes(journeys, FanLoad.Journey.Outcome.PAY_REJECTED);
    boolean passed = violations.isEmpty() && lost == 0 && doubles == 0 && unacknowledged == 0
        && accepted > 0;
    return new ScenarioResult(scenario.name(), scenario.fault(), passed, journeys.size(),
        accepted, succeeded, cancelled, lost, doubles, unacknowledged, refused409, refused503,
        fanErrors, during.isEmpty() ? 0 : (double) errors / during.size(), during.size(),
        baselineP99, threshold, recovery, recoverAt - injectAt, drainMs, dlq,
        List.copyOf(violations), List.copyOf(notes));
  }

  /**
   * Milliseconds from the fault to the start of the first 5 s window of journeys whose p99 is
   * under the threshold, and stays so for the two windows after it (15 s in all, or to the end).
   */
  static Long recovery(List<FanLoad.Journey> journeys, long injectAt, long stopAt,
      long threshold) {
    for (long t = injectAt; t + WINDOW_MS <= stopAt; t += 1_000) {
      boolean held = true;
      for (long w = t; w < t + 3 * WINDOW_MS && w + WINDOW_MS <= stopAt; w += WINDOW_MS) {
        long from = w;
        List<Long> window = journeys.stream()
            .filter(j -> j.startMs >= from && j.startMs < from + WINDOW_MS)
            .map(FanLoad.Journey::latencyMs).toList();
        if (window.size() < 3 || p99(window) > threshold) {
          held = false;
          break;
        }
      }
      if (held) {
        return t - injectAt;
      }
    }
    return null;
  }

  static long p99(List<Long> latencies) {
    if (latencies.isEmpty()) {
      return Long.MAX_VALUE;
    }
    List<Long> sorted = latencies.stream().sorted().toList();
    return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
  }

  private static int count(List<FanLoad.Journey> journeys, String status) {
    return (int) journeys.stream().filter(j -> status.equals(j.finalStatus)).count();
  }

  private static int outcomes(List<FanLoad.Journey> journeys, FanLoad.Journey.Outcome o) {
    return (int) journeys.stream().filter(j -> j.outcome == o).count();
  }
}
