package dev.soldout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.api.security.FanTokens;
import dev.soldout.bench.ceiling.Ceiling;
import dev.soldout.bench.ceiling.Ceilings;
import dev.soldout.bench.check.Invariants;
import dev.soldout.bench.check.Verification;
import dev.soldout.bench.cost.KafkaRecords;
import dev.soldout.bench.cost.PaymentStages;
import dev.soldout.bench.cost.RedisCommands;
import dev.soldout.bench.http.JsonHttp;
import dev.soldout.bench.rush.Rush;
import dev.soldout.bench.rush.SeatPool;
import dev.soldout.events.Topics;
import dev.soldout.seats.catalog.DemoCatalog;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * {@code ./soldout bench}: the on-sale benchmark. A venue of its own for the run, the ceilings
 * of each part alone, the rush, the invariants, what one payment cost, and the report.
 */
public final class OnSaleBench {
  /** The whole report (written as JSON and Markdown) and whether the invariants held. */
  public record Report(Map<String, Object> data, List<String> violations, boolean passed) {}

  private static final double WARM_UP_ARRIVAL_SECONDS = 2;
  private static final Duration WARM_UP_SETTLE = Duration.ofSeconds(3);

  private final Target target;
  private final Options options;
  private final PrintStream out;

  public OnSaleBench(Target target, Options options, PrintStream out) {
    this.target = target;
    this.options = options;
    this.out = out;
  }

  public Report run() throws Exception {
    String run = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
        .format(Instant.now());
    // Long-polls hold a connection each for up to waitMs, as every fan's browser would: enough
    // connections that holds never queue behind them, still far fewer than fans.
    try (JsonHttp http = new JsonHttp(2_048, Duration.ofSeconds(30))) {
      return run(run, http);
    }
  }

  private Report run(String run, JsonHttp http) throws Exception {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("run", run);
    report.put("machine", Machine.describe());
    report.put("configuration", configuration());
    report.put("loadAverageBefore", Machine.loadAverage());

    String performanceId = "bench-" + run;
    Jdbi jdbi = Jdbi.create(target.database().jdbcUrl(), target.database().user(),
        target.database().password()).installPlugin(new SqlObjectPlugin());
    FanTokens tokens = new FanTokens(target.auth(), Clock.systemUTC());
    if (options.warmUpFans() > 0) {
      warmUp(performanceId + "-warm-up", jdbi, http, tokens);
    }
    List<SeatPool.Seat> seats = venue(jdbi, http, performanceId, options.seats());
    List<String> bearers = signIn(tokens, performanceId, options.fans());
    out.printf("venue %s: %d seats; %d fans signed in (tokens minted here, not measured)%n",
        performanceId, seats.size(), bearers.size());

    List<Ceiling> ceilings = List.of();
    if (options.ceilings()) {
      out.println("ceilings, each part alone:");
      ceilings = new Ceilings(target, options, http, bearers.get(0), run).measure(out);
    }

    KafkaRecords kafka = new KafkaRecords(target);
    var offsetsBefore = kafka.endOffsets();
    Map<String, Long> redisBefore = RedisCommands.snapshot(target.redisUrl());
    long[] cpuBefore = Machine.cpuJiffies();
    long benchCpuBefore = Machine.processCpuNanos();
    String loadAtRush = Machine.loadAverage();
    out.printf("rush: %d fans over %.1f s (load average %s)%n", options.fans(),
        options.arrivalSeconds(), loadAtRush);
    Rush.Result rush;
    Map<String, Object> lag;
    long rushStart = System.nanoTime();
    try (LagSampler lagSampler = new LagSampler(target.kafkaBootstrap(),
        target.applicationId(), rushStart)) {
      rush = new Rush(http, target.apiUrl(), performanceId, seats, bearers, options.waitMs())
          .play(options.arrivalSeconds(), options.timeoutSeconds());
      lag = lagSampler.summary();
    }
    long benchCpu = Machine.processCpuNanos() - benchCpuBefore;
    long[] cpuAfter = Machine.cpuJiffies();
    double wallSeconds = (rush.endNanos - rush.startNanos) / 1e9;

    List<Invariants.Outcome> outcomes = new ArrayList<>();
    synchronized (rush.outcomes) {
      rush.outcomes.forEach(o -> outcomes.add(new Invariants.Outcome(o.paymentTxId(),
          rush.finalStatus.get(o.paymentTxId()), o.seat(), o.amount())));
    }
    out.printf("rush done in %.1f s: %d holds, %d payments accepted, %d terminal;"
        + " checking the invariants%n", wallSeconds, rush.holds.count(), rush.accepted.count(),
        rush.completed.count());
    Verification verification = new Verification(http, target.apiUrl(), target.pgUrl(),
        target.database());
    JsonNode ledger = verification.ledger(outcomes.stream()
        .map(Invariants.Outcome::paymentTxId).toList());
    List<String> violations = new ArrayList<>(verification.check(performanceId, outcomes,
        ledger, 60_000));
    if (outcomes.isEmpty()) {
      violations.add("no payment was accepted");
    }

    Map<String, Object> results = new LinkedHashMap<>();
    results.put("fans", options.fans());
    results.put("seats", seats.size());
    results.put("seatsSold", outcomes.stream().filter(o -> "SUCCESS".equals(o.status()))
        .count());
    results.put("cancelled", outcomes.stream().filter(o -> "CANCELLED".equals(o.status()))
        .count());
    results.put("fansToldSoldOut", rush.soldOutFans.sum());
    results.put("holdAttempts", rush.holdAttempts.sum());
    results.put("holdRefusedSeatTaken", rush.seatTaken.sum());
    results.put("wallSeconds", round(wallSeconds));
    results.put("holds", rush.holds.rates(rush.startNanos));
    results.put("acceptedPayments", rush.accepted.rates(rush.startNanos));
    results.put("completedPayments", rush.completed.rates(rush.startNanos));
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("hold", rush.holdLatency.summary());
    latency.put("paymentAccepted", rush.acceptLatency.summary());
    latency.put("paymentToTerminal", rush.terminalLatency.summary());
    results.put("latency", latency);
    results.put("consumerLag", lag);
    Map<String, Object> unexpected = new LinkedHashMap<>();
    rush.unexpected.forEach((what, n) -> unexpected.put(what, n.sum()));
    results.put("unexpectedAnswers", unexpected);
    Map<String, Object> generator = new LinkedHashMap<>();
    int cores = Runtime.getRuntime().availableProcessors();
    long busy = cpuAfter[0] - cpuBefore[0];
    long total = Math.max(1, cpuAfter[1] - cpuBefore[1]);
    generator.put("cpuSeconds", round(benchCpu / 1e9));
    generator.put("shareOfMachine", round(benchCpu / 1e9 / (wallSeconds * cores)));
    generator.put("machineBusyShare", round((double) busy / total));
    generator.put("shareOfBusyCpu", round(benchCpu / 1e9 / Math.max(1e-9,
        wallSeconds * cores * busy / total)));
    generator.put("worstArrivalLagMs", round(rush.worstArrivalLagNanos.get() / 1e6));
    results.put("generator", generator);
    results.put("loadAverageAtRush", loadAtRush);
    results.put("loadAverageAfter", Machine.loadAverage());
    report.put("results", results);

    long completed = Math.max(1, rush.completed.count());
    PaymentStages stages = new PaymentStages(Topics.withPrefix(target.topicPrefix()));
    Map<String, Object> costs = costs(kafka, offsetsBefore, redisBefore, rush, completed,
        ledger.size(), stages);
    report.put("costPerCompletedPayment", costs);
    report.put("paymentStages", stages.summary());
    if (!ceilings.isEmpty()) {
      report.put("ceilings", bound(ceilings, costs, rush.completed.sustainedPerSecond()));
    }
    report.put("violations", violations);
    boolean passed = violations.isEmpty();
    report.put("passed", passed);
    new ResultsWriter(options.out()).write(run, report, out);
    return new Report(report, violations, passed);
  }

  /**
   * An unmeasured rush of its own, played to the end, then a pause for the stack to settle: the
   * first requests of a JVM run interpreted code, and a cold bench once took most of the cores
   * in the first seconds of a small rush.
   */
  private void warmUp(String performanceId, Jdbi jdbi, JsonHttp http, FanTokens tokens)
      throws InterruptedException {
    int fans = options.warmUpFans();
    List<SeatPool.Seat> seats = venue(jdbi, http, performanceId, Math.max(1, fans / 4));
    long start = System.nanoTime();
    Rush.Result warm = new Rush(http, target.apiUrl(), performanceId, seats,
        signIn(tokens, performanceId, fans), options.waitMs())
        .play(WARM_UP_ARRIVAL_SECONDS, options.timeoutSeconds());
    out.printf("warm-up (not measured): %d fans for %d seats on %s, %d paid, done in %.1f s%n",
        fans, seats.size(), performanceId, warm.completed.count(),
        (System.nanoTime() - start) / 1e9);
    Thread.sleep(WARM_UP_SETTLE.toMillis());
  }

  private List<SeatPool.Seat> venue(Jdbi jdbi, JsonHttp http, String performanceId, int seats) {
    DemoCatalog.addPerformance(jdbi, performanceId, seats, Instant.now());
    return SeatPool.fromSeatMap(http.get(target.apiUrl() + "/performances/" + performanceId
        + "/seats").join().body());
  }

  private static List<String> signIn(FanTokens tokens, String performanceId, int fans) {
    List<String> bearers = new ArrayList<>(fans);
    for (int i = 1; i <= fans; i++) {
      bearers.add("Bearer " + tokens.mint(performanceId + "-" + i).token());
    }
    return bearers;
  }

  /**
   * Records, requests, Redis commands and PG charges the rush cost, divided by its completed
   * payments; the records read back go to {@code stages} too.
   */
  private Map<String, Object> costs(KafkaRecords kafka, Map<org.apache.kafka.common.TopicPartition,
      Long> offsetsBefore, Map<String, Long> redisBefore, Rush.Result rush, long completed,
      long charges, PaymentStages stages) throws Exception {
    Map<String, Object> costs = new LinkedHashMap<>();
    var written = kafka.between(offsetsBefore, kafka.endOffsets(), stages::accept);
    long hops = 0;
    long all = 0;
    Map<String, Object> perTopic = new LinkedHashMap<>();
    for (var e : written.entrySet()) {
      all += e.getValue().records();
      hops += kafka.topologySources().contains(e.getKey()) ? e.getValue().records() : 0;
      perTopic.put(e.getKey(), Map.of("records", e.getValue().records(), "avgBytes",
          e.getValue().records() == 0 ? 0 : e.getValue().bytes() / e.getValue().records()));
    }
    costs.put("streamHops", round((double) hops / completed));
    costs.put("kafkaRecordsWritten", round((double) all / completed));
    costs.put("kafkaTopics", perTopic);
    costs.put("httpRequests", round((double) rush.requests.sum() / completed));
    Map<String, Long> redis = RedisCommands.delta(redisBefore,
        RedisCommands.snapshot(target.redisUrl()));
    costs.put("redisCommands", round((double) redis.values().stream()
        .mapToLong(Long::longValue).sum() / completed));
    costs.put("redisByCommand", redis);
    costs.put("pgRequests", round((double) charges / completed));
    return costs;
  }

  /** Each ceiling over its cost per payment; the tightest bounds the rush. */
  private static Map<String, Object> bound(List<Ceiling> ceilings, Map<String, Object> costs,
      double sustained) {
    Map<String, String> costOf = Map.of("kafka-streams", "streamHops", "javalin", "httpRequests",
        "redis", "redisCommands", "sandbox-pg", "pgRequests");
    Map<String, Object> parts = new LinkedHashMap<>();
    String tightest = null;
    double tightestRate = Double.MAX_VALUE;
    for (Ceiling c : ceilings) {
      double cost = ((Number) costs.get(costOf.get(c.part()))).doubleValue();
      double payments = cost == 0 ? Double.MAX_VALUE : c.perSecond() / cost;
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("alonePerS", Math.round(c.perSecond()));
      p.put("unit", c.unit());
      p.put("costPerPayment", cost);
      p.put("paymentsPerS", Math.round(payments));
      p.put("how", c.how());
      parts.put(c.part(), p);
      if (payments < tightestRate) {
        tightestRate = payments;
        tightest = c.part();
      }
    }
    Map<String, Object> bound = new LinkedHashMap<>();
    bound.put("parts", parts);
    bound.put("boundingPart", tightest);
    bound.put("boundPaymentsPerS", Math.round(tightestRate));
    bound.put("sustainedCompletedPerS", sustained);
    bound.put("ratioToBound", round(sustained / tightestRate));
    return bound;
  }

  private Map<String, Object> configuration() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("fans", options.fans());
    c.put("seats", options.seats());
    c.put("arrivalSeconds", options.arrivalSeconds());
    c.put("longPollWaitMs", options.waitMs());
    c.put("warmUpFans", options.warmUpFans());
    c.put("partitions", target.partitions());
    c.put("commitIntervalMs", target.commitIntervalMs());
    c.put("replicationFactor", target.replicationFactor());
    c.put("ceilingSeconds", options.ceilingSeconds());
    c.put("ceilingRecords", options.ceilingRecords());
    c.put("recordBytes", options.recordBytes());
    c.put("ceilingStreamThreads", options.streamThreads());
    return c;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
