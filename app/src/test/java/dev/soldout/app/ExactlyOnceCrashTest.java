package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.devstack.Database;
import dev.soldout.devstack.FreePorts;
import dev.soldout.devstack.TestServices;
import dev.soldout.events.ChargeRequest;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.pg.sandbox.Charge;
import dev.soldout.pg.sandbox.ChargeLedger;
import dev.soldout.pg.sandbox.FaultInjector;
import dev.soldout.pg.sandbox.Faults;
import dev.soldout.pg.sandbox.SandboxGateway;
import dev.soldout.seats.catalog.DemoCatalog;
import dev.soldout.seats.db.Databases;
import dev.soldout.topology.TopicProvisioner;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jdbi.v3.core.Jdbi;

/**
 * Exactly-once under a real crash, in the spirit of Kafka's own EOS system-test verifier.
 *
 * <p>Scenario (run once, in {@code @BeforeAll}): the sandbox PG runs in-process with 75 ms of
 * latency so that charges are in flight; two {@code soldout app} instances run as child JVMs
 * against the embedded broker (4 partitions, exactly_once_v2, commit interval 5 s, so that a
 * transaction stays open for seconds). 120 fans buy distinct seats over HTTP, split over both
 * instances (hold, then pay the seat's price with Idempotency-Key = holdId). Rival
 * {@link PaymentTry} records are produced straight onto payment.try with a new paymentTxId and a
 * higher fencing token, so that only the seat ledger can refuse them: 8 for seats whose fan is
 * still in flight, and, after the crash, 8 for seats already seen SUCCESS. Once the PG has
 * charges and instance B is seen with an ONGOING Kafka transaction, B is SIGKILLed
 * ({@code Process.destroyForcibly()}); 120 more fans buy through A alone and A finishes every
 * payment alone; then B is restarted on its old state dir (same Streams process id, so the same
 * transactional ids) and rejoins, and every status is read again through A (which forwards).
 *
 * <p>What the tests then prove, each on its own:
 * <ul>
 *   <li>the kill hit an open transaction (so the rest is a real crash-recovery check);</li>
 *   <li>every accepted paymentTxId ends SUCCESS or CANCELLED, as the API reports it;</li>
 *   <li>money: per paymentTxId, charges minus refunds at the PG equal the amount for SUCCESS and 0
 *       for CANCELLED; no charge exists for an unknown key;</li>
 *   <li>no seat is SUCCESS for two transactions, and a contended seat for exactly one;</li>
 *   <li>no transaction of the application is left ONGOING/PREPARE_* on the broker;</li>
 *   <li>read_committed, payment.tx-state holds each transition of each transaction exactly once
 *       (versions 1..n, no duplicate from the replay, nothing from the aborted transaction) and
 *       ends in the state the API reports; payment.charge holds one request per attempt.</li>
 * </ul>
 *
 * <p>Runtime on 2 shared cores: about 80-90 s, most of it the wait for the dead instance's
 * consumers to time out (the payment worker's and followers' groups use the 45 s default
 * session timeout) and the 5 s exactly-once commit interval per hop. Child logs are kept in
 * the temp dir printed at the start.
 */
class ExactlyOnceCrashTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);
  private static final int PARTITIONS = 4;
  private static final int FANS_PER_WAVE = 120;
  private static final int RIVALS_AFTER_SALE = 8;
  private static final int RIVALS_RACING = 8;
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(100);
  private static final Set<TransactionState> OPEN = Set.of(
      TransactionState.ONGOING, TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT);

  /** Who asked for the payment: a fan through the API, or a rival record produced directly. */
  enum Kind { FAN, RIVAL_AFTER_SALE, RIVAL_RACING }

  record Payment(String paymentTxId, String seatId, String userId, long amount, long fencingToken,
      Kind kind) {}

  private static final ChargeLedger ledger = new ChargeLedger();
  private static final Map<String, Payment> payments = new ConcurrentHashMap<>();
  private static final Map<String, JsonNode> finalViews = new ConcurrentHashMap<>();
  private static final List<String> timeline = new ArrayList<>();
  private static Javalin sandbox;
  private static SoldoutProcess a;
  private static SoldoutProcess b;
  private static Admin admin;
  private static Topics topics;
  private static String kafka;
  private static String applicationId;
  private static Set<String> openAtTheKill = Set.of();
  private static long startedNanos;
  private static Path root;
  private static String classpath;

  @BeforeAll
  static void runTheScenario() throws Exception {
    startedNanos = System.nanoTime();
    kafka = TestServices.kafkaBootstrap();
    Database db = TestServices.freshSchema();
    seedCatalog(db);
    FaultInjector faults = new FaultInjector();
    faults.set(new Faults(0, 0, 75, false, 0));
    int pgPort = FreePorts.next();
    sandbox = SandboxGateway.create(ledger, faults).start(pgPort);

    applicationId = "eos-" + UUID.randomUUID().toString().substring(0, 8);
    topics = Topics.withPrefix(applicationId + ".");
    TopicProvisioner.ensure(kafka, topics,
        new TopicProvisioner.Layout(PARTITIONS, (short) 1, 1));
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka));

    root = Files.createTempDirectory("soldout-eos-");
    System.out.println("ExactlyOnceCrashTest: child logs in " + root);
    classpath = SoldoutProcess.snapshotClasspath(root);
    a = instance("a", db, pgPort);
    b = instance("b", db, pgPort);
    Runtime.getRuntime().addShutdownHook(new Thread(ExactlyOnceCrashTest::stopChildren));
    a.start();
    b.start();
    awaitReady(a);
    awaitReady(b);
    mark("both instances ready");

    Http apiA = new Http(a.baseUrl());
    Http apiB = new Http(b.baseUrl());
    List<Map.Entry<String, Long>> seats = seatsWithPrices(apiA);
    assertThat(seats).hasSizeGreaterThanOrEqualTo(2 * FANS_PER_WAVE);

    // Wave 1: half the fans through A, half through B.
    List<Payment> wave1 = buy(seats.subList(0, FANS_PER_WAVE), i -> i % 2 == 0 ? apiA : apiB,
        "w1");
    mark("wave 1 accepted: " + wave1.size());

    // Rivals for seats whose fan is still in flight: one of the two wins the seat ledger.
    try (KafkaProducer<String, PaymentTry> producer = rivalProducer()) {
      for (int i = 0; i < RIVALS_RACING; i++) {
        sendRival(producer, wave1.get(i * (FANS_PER_WAVE / RIVALS_RACING)), Kind.RIVAL_RACING);
      }
    }
    mark("racing rivals produced: " + RIVALS_RACING);

    // SIGKILL B once charges are in flight at the PG and one of B's stream threads has a Kafka
    // transaction open.
    await("charges at the PG").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100)).until(() -> ledger.all().size() >= 10);
    String processIdOfB = await("B's streams process id").atMost(Duration.ofSeconds(10))
        .until(b::streamsProcessId, Optional::isPresent).orElseThrow();
    String prefixOfB = applicationId + "-" + processIdOfB + "-";
    await("an open transaction on B").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !openTransactions(prefixOfB).isEmpty());
    b.kill();
    mark("B killed, PG charges so far: " + ledger.all().size());
    openAtTheKill = openTransactions(prefixOfB);
    mark("B's transactions open after its death: " + openAtTheKill);

    // Wave 2 through the survivor only.
    List<Payment> wave2 = buy(seats.subList(FANS_PER_WAVE, 2 * FANS_PER_WAVE), i -> apiA, "w2");
    mark("wave 2 accepted: " + wave2.size());

    // Rivals for seats already sold must lose in the seat ledger, whatever their token says.
    List<Payment> sold = new ArrayList<>();
    await("sales of wave 1 seen through A").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500)).until(() -> {
          sold.clear();
          for (Payment p : wave1) {
            if (p.kind() == Kind.FAN && !racingSeats().contains(p.seatId())
                && status(apiA, p.paymentTxId()).filter("SUCCESS"::equals).isPresent()) {
              sold.add(p);
            }
          }
          return sold.size() >= RIVALS_AFTER_SALE;
        });
    try (KafkaProducer<String, PaymentTry> producer = rivalProducer()) {
      for (Payment p : sold.subList(0, RIVALS_AFTER_SALE)) {
        sendRival(producer, p, Kind.RIVAL_AFTER_SALE);
      }
    }
    mark("rivals for sold seats produced: " + RIVALS_AFTER_SALE);

    awaitSettled(apiA, "A alone");
    mark("A alone settled " + countTerminal() + "/" + payments.size());

    // B comes back on its old state dir: same process id, so it fences its own zombie.
    b.start();
    awaitReady(b);
    mark("B restarted");
    finalViews.clear();
    awaitSettled(apiA, "after B's restart");
    mark("settled after B's restart " + countTerminal() + "/" + payments.size());
  }

  @AfterAll
  static void tearDown() throws IOException {
    System.out.println("ExactlyOnceCrashTest timeline:\n  " + String.join("\n  ", timeline));
    stopChildren();
    if (root != null) {
      // The instances' logs stay for a look after a failure; state dirs and classes can go.
      try (var entries = Files.list(root)) {
        for (Path entry : entries.filter(e -> !e.toString().endsWith(".log")).toList()) {
          deleteRecursively(entry);
        }
      }
    }
    if (sandbox != null) {
      sandbox.stop();
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void the_killed_instance_died_with_a_kafka_transaction_open() {
    assertThat(openAtTheKill)
        .as("B's transactional ids still ONGOING right after the SIGKILL")
        .isNotEmpty();
  }

  @Test
  void every_accepted_payment_ends_SUCCESS_or_CANCELLED() {
    Map<String, String> notTerminal = new TreeMap<>();
    payments.keySet().forEach(tx -> {
      String status = statusOf(tx);
      if (!status.equals("SUCCESS") && !status.equals("CANCELLED")) {
        notTerminal.put(tx, status + " " + payments.get(tx));
      }
    });
    assertThat(notTerminal).as("payments not SUCCESS or CANCELLED").isEmpty();
    assertThat(payments).hasSize(2 * FANS_PER_WAVE + RIVALS_AFTER_SALE + RIVALS_RACING);
  }

  @Test
  void a_rival_for_a_sold_seat_is_cancelled_as_SEAT_TAKEN_and_uncontested_fans_all_pay() {
    Set<String> contested = payments.values().stream()
        .filter(p -> p.kind() == Kind.RIVAL_RACING).map(Payment::seatId)
        .collect(Collectors.toSet());
    payments.values().forEach(p -> {
      if (p.kind() == Kind.RIVAL_AFTER_SALE) {
        assertThat(statusOf(p.paymentTxId())).as("rival %s", p).isEqualTo("CANCELLED");
        assertThat(finalViews.get(p.paymentTxId()).path("reason").asText()).as("rival %s", p)
            .isEqualTo("SEAT_TAKEN");
      } else if (p.kind() == Kind.FAN && !contested.contains(p.seatId())) {
        assertThat(statusOf(p.paymentTxId())).as("fan %s (no faults injected)", p)
            .isEqualTo("SUCCESS");
      }
    });
  }

  @Test
  void charges_minus_refunds_at_the_PG_equal_the_amount_for_SUCCESS_and_zero_for_CANCELLED() {
    Map<String, Charge> byKey = new HashMap<>();
    for (Charge charge : ledger.all()) {
      assertThat(byKey.put(charge.idempotencyKey(), charge))
          .as("a second charge under key %s", charge.idempotencyKey()).isNull();
    }
    assertThat(payments.keySet()).as("every PG key is a known paymentTxId")
        .containsAll(byKey.keySet());
    Map<String, String> wrong = new TreeMap<>();
    payments.values().forEach(p -> {
      Charge charge = byKey.get(p.paymentTxId());
      long net = charge == null || charge.status() != Charge.Status.APPROVED
          ? 0 : charge.amount() - charge.refundedAmount();
      String status = statusOf(p.paymentTxId());
      long expected = status.equals("SUCCESS") ? p.amount() : 0;
      if (net != expected) {
        wrong.put(p.paymentTxId(), status + " expects " + expected + " but PG nets " + net
            + ": " + charge);
      }
    });
    assertThat(wrong).as("paymentTxIds whose money does not add up").isEmpty();
  }

  @Test
  void no_seat_is_SUCCESS_for_two_transactions_and_a_contended_seat_for_exactly_one() {
    Map<String, List<String>> successesBySeat = new TreeMap<>();
    Map<String, Integer> contenders = new HashMap<>();
    payments.values().forEach(p -> {
      contenders.merge(p.seatId(), 1, Integer::sum);
      if (statusOf(p.paymentTxId()).equals("SUCCESS")) {
        successesBySeat.computeIfAbsent(p.seatId(), s -> new ArrayList<>()).add(p.paymentTxId());
      }
    });
    assertThat(successesBySeat.values()).allSatisfy(txs -> assertThat(txs).hasSize(1));
    contenders.forEach((seat, count) -> {
      if (count > 1) {
        assertThat(successesBySeat.get(seat)).as("SUCCESS on contended seat %s", seat)
            .hasSize(1);
      }
    });
  }

  @Test
  void no_kafka_transaction_of_the_application_is_left_open() {
    await("no open transaction of " + applicationId).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(openTransactions(applicationId + "-")).isEmpty());
    // and the zombie's were aborted, not committed behind our back: see the tx-state test
  }

  @Test
  void committed_tx_state_holds_each_transition_once_and_ends_in_the_state_the_API_reports()
      throws Exception {
    Map<String, List<TxState>> history = new HashMap<>();
    var deserializer = topics.txState().valueSerde().deserializer();
    for (var record
        : TopicRecords.readAll(kafka, topics.txState().name(), "read_committed")) {
      String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
      history.computeIfAbsent(key, k -> new ArrayList<>())
          .add(deserializer.deserialize(record.topic(), record.value()));
    }
    int uncommitted =
        TopicRecords.readAll(kafka, topics.txState().name(), "read_uncommitted").size();
    int committed = history.values().stream().mapToInt(List::size).sum();
    System.out.printf("payment.tx-state: %d committed records, %d incl. aborted ones%n",
        committed, uncommitted);

    assertThat(history.keySet()).containsExactlyInAnyOrderElementsOf(payments.keySet());
    Map<String, String> wrong = new TreeMap<>();
    history.forEach((tx, states) -> {
      List<Long> versions = states.stream().map(TxState::version).toList();
      List<Long> expected = new ArrayList<>();
      for (long v = 1; v <= states.size(); v++) {
        expected.add(v);
      }
      if (!versions.equals(expected)) {
        wrong.put(tx, "versions " + versions);
      }
      String last = states.get(states.size() - 1).status().name();
      if (!last.equals(statusOf(tx))) {
        wrong.put(tx, "log ends " + last + ", API says " + statusOf(tx));
      }
    });
    assertThat(wrong).as("transactions whose committed history is not 1..n or disagrees")
        .isEmpty();
  }

  @Test
  void committed_payment_charge_holds_one_request_per_attempt() throws Exception {
    Map<String, Integer> perAttempt = new TreeMap<>();
    var deserializer = topics.paymentCharge().valueSerde().deserializer();
    for (var record
        : TopicRecords.readAll(kafka, topics.paymentCharge().name(), "read_committed")) {
      ChargeRequest request = deserializer.deserialize(record.topic(), record.value());
      perAttempt.merge(request.paymentTxId() + "#" + request.attempt(), 1, Integer::sum);
    }
    assertThat(perAttempt).isNotEmpty();
    assertThat(perAttempt).allSatisfy((attempt, count) ->
        assertThat(count).as("charge requests for %s", attempt).isEqualTo(1));
  }

  // ---- scenario helpers ----

  private static SoldoutProcess instance(String name, Database db, int pgPort) {
    int port = FreePorts.next();
    return new SoldoutProcess(name, root, classpath, SoldoutProcess.env(
        "KAFKA_BOOTSTRAP_SERVERS", kafka,
        "REDIS_URL", TestServices.redisUrl(),
        "DATABASE_URL", db.jdbcUrl(),
        "DATABASE_USER", db.user(),
        "DATABASE_PASSWORD", db.password(),
        "PG_BASE_URL", "http://127.0.0.1:" + pgPort,
        "API_PORT", Integer.toString(port),
        "ADVERTISED_URL", "http://127.0.0.1:" + port,
        "STATE_DIR", root.resolve(name + "-state").toString(),
        "APPLICATION_ID", applicationId,
        "TOPIC_PREFIX", applicationId + ".",
        "REDIS_NAMESPACE", applicationId + ":",
        "PARTITIONS", Integer.toString(PARTITIONS),
        "COMMIT_INTERVAL_MS", "5000"));
  }

  private static void seedCatalog(Database db) {
    try (HikariDataSource pool = Databases.pool(db.jdbcUrl(), db.user(), db.password(), 2)) {
      Databases.migrate(pool);
      Jdbi jdbi = Databases.jdbi(pool);
      DemoCatalog.seedIfEmpty(jdbi, 2 * FANS_PER_WAVE + 20, Instant.now());
    }
  }

  private static void awaitReady(SoldoutProcess instance) {
    Http api = new Http(instance.baseUrl());
    try {
      await(instance.name() + " ready").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .failFast(instance.name() + " exited", () -> !instance.isAlive())
          .until(() -> api.get("/health/ready").status() == 200);
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new AssertionError(e.getMessage() + "; last lines of " + instance.logFile() + ":\n"
          + instance.logTail(40), e);
    }
  }

  private static List<Map.Entry<String, Long>> seatsWithPrices(Http api) {
    List<Map.Entry<String, Long>> seats = new ArrayList<>();
    for (JsonNode seat : api.get("/performances/" + PERFORMANCE + "/seats").body()) {
      seats.add(Map.entry(seat.path("seatId").asText(), seat.path("price").asLong()));
    }
    return seats;
  }

  /** Each seat held and paid by its own fan, four at a time; every payment must be a 202. */
  private static List<Payment> buy(List<Map.Entry<String, Long>> seats,
      java.util.function.IntFunction<Http> via, String wave) throws Exception {
    ExecutorService fans = Executors.newFixedThreadPool(4);
    try {
      List<Future<Payment>> bought = new ArrayList<>();
      for (int i = 0; i < seats.size(); i++) {
        Http api = via.apply(i);
        String seatId = seats.get(i).getKey();
        long price = seats.get(i).getValue();
        String userId = "fan-" + wave + "-" + i;
        bought.add(fans.submit(() -> {
          var hold = api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE
              + "\",\"seatId\":\"" + seatId + "\",\"userId\":\"" + userId + "\"}");
          assertThat(hold.status()).as("hold %s: %s", seatId, hold.body()).isEqualTo(201);
          String holdId = hold.text("holdId");
          var paid = api.post("/payments", "{\"holdId\":\"" + holdId + "\",\"userId\":\""
              + userId + "\",\"amount\":" + price + "}", "Idempotency-Key", holdId);
          assertThat(paid.status()).as("pay %s: %s", seatId, paid.body()).isEqualTo(202);
          Payment p = new Payment(paid.text("paymentTxId"), seatId, userId, price,
              hold.body().path("fencingToken").asLong(), Kind.FAN);
          payments.put(p.paymentTxId(), p);
          return p;
        }));
      }
      List<Payment> result = new ArrayList<>();
      for (Future<Payment> f : bought) {
        result.add(f.get(30, TimeUnit.SECONDS));
      }
      return result;
    } finally {
      fans.shutdownNow();
    }
  }

  private static KafkaProducer<String, PaymentTry> rivalProducer() {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        topics.paymentTry().keySerde().serializer(),
        topics.paymentTry().valueSerde().serializer());
  }

  /** A first attempt of another transaction for the same seat, with a newer fencing token. */
  private static void sendRival(KafkaProducer<String, PaymentTry> producer, Payment original,
      Kind kind) throws Exception {
    String tx = UUID.randomUUID().toString();
    String userId = "rival-" + kind + "-" + original.seatId();
    PaymentTry rival = new PaymentTry(tx, UUID.randomUUID().toString(), PERFORMANCE,
        original.seatId(), userId, original.amount(), original.fencingToken() + 1_000_000, 1,
        Instant.now());
    payments.put(tx, new Payment(tx, original.seatId(), userId, original.amount(),
        rival.fencingToken(), kind));
    // The rival asks for its status as itself, like any fan.
    TestFans.paid(tx, userId);
    producer.send(new ProducerRecord<>(topics.paymentTry().name(), tx, rival))
        .get(10, TimeUnit.SECONDS);
  }

  /** Polls every payment's status through {@code api} until all are terminal, or the timeout. */
  private static void awaitSettled(Http api, String phase) {
    long[] lastProgress = {-1};
    try {
      await("all payments terminal (" + phase + ")").atMost(SETTLE_TIMEOUT)
          .pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (String tx : payments.keySet()) {
              JsonNode known = finalViews.get(tx);
              if (known != null && isTerminal(known.path("status").asText())) {
                continue;
              }
              view(api, tx).ifPresent(view -> finalViews.put(tx, view));
            }
            long terminal = countTerminal();
            if (terminal != lastProgress[0]) {
              lastProgress[0] = terminal;
              mark("  " + terminal + "/" + payments.size() + " terminal" + stragglers());
            }
            return terminal == payments.size();
          });
    } catch (ConditionTimeoutException e) {
      // The tests report which payments are stuck; the scenario goes on so they all run.
      mark("NOT settled (" + phase + "): " + countTerminal() + "/" + payments.size());
    }
  }

  /** The last few payments not terminal yet, for the timeline. */
  private static String stragglers() {
    List<String> open = payments.keySet().stream()
        .filter(tx -> !isTerminal(statusOf(tx))).limit(4).toList();
    if (open.isEmpty() || open.size() > 3) {
      return "";
    }
    return "; waiting for " + open.stream().map(tx -> payments.get(tx).kind() + " "
        + Optional.ofNullable(finalViews.get(tx)).map(JsonNode::toString).orElse(tx)).toList();
  }

  private static Set<String> racingSeats() {
    return payments.values().stream().filter(p -> p.kind() == Kind.RIVAL_RACING)
        .map(Payment::seatId).collect(Collectors.toSet());
  }

  private static long countTerminal() {
    return finalViews.values().stream()
        .filter(v -> isTerminal(v.path("status").asText())).count();
  }

  private static boolean isTerminal(String status) {
    return status.equals("SUCCESS") || status.equals("CANCELLED");
  }

  private static String statusOf(String tx) {
    JsonNode view = finalViews.get(tx);
    return view == null ? "UNKNOWN" : view.path("status").asText();
  }

  private static Optional<JsonNode> view(Http api, String tx) {
    try {
      var response = api.get("/payments/" + tx);
      return response.status() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (IllegalStateException unreachable) {
      return Optional.empty();
    }
  }

  private static Optional<String> status(Http api, String tx) {
    return view(api, tx).map(v -> v.path("status").asText());
  }

  /** Transactional ids starting with {@code prefix} whose transaction is open on the broker. */
  private static Set<String> openTransactions(String prefix) throws Exception {
    Collection<TransactionListing> listed = admin.listTransactions().all()
        .get(10, TimeUnit.SECONDS);
    List<String> ids = listed.stream().map(TransactionListing::transactionalId)
        .filter(id -> id.startsWith(prefix)).toList();
    if (ids.isEmpty()) {
      return Set.of();
    }
    Map<String, TransactionDescription> described = admin.describeTransactions(ids).all()
        .get(10, TimeUnit.SECONDS);
    return described.entrySet().stream().filter(e -> OPEN.contains(e.getValue().state()))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
  }

  private static void mark(String event) {
    timeline.add(String.format("%5.1f s  %s", (System.nanoTime() - startedNanos) / 1e9, event));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static void stopChildren() {
    for (SoldoutProcess child : new SoldoutProcess[] {a, b}) {
      if (child != null) {
        child.close();
      }
    }
  }
}
