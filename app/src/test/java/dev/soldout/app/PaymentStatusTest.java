package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.seats.catalog.DemoCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status API of one instance: long-polling (early answer on a change, the bound otherwise,
 * no waiter left behind) and POST /payments replays by Idempotency-Key, on a real broker, Redis,
 * PostgreSQL and sandbox PG.
 */
class PaymentStatusTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);
  private static LocalSoldout system;
  private static Http api;
  private static Http pg;

  @BeforeAll
  static void startTheSystem() throws Exception {
    system = LocalSoldout.start("status", 60, 2);
    api = system.api;
    pg = system.pg;
    await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/health/ready").status() == 200);
  }

  @AfterAll
  static void stopTheSystem() {
    if (system != null) {
      system.close();
    }
  }

  @AfterEach
  void noFaults() {
    pg.post("/admin/faults", "{\"latencyMs\":0}");
  }

  private record Bought(String holdId, String userId, long amount, Http.Response accepted) {
    String paymentTxId() {
      return accepted.text("paymentTxId");
    }
  }

  private static Bought holdAndPay(String seatId, String key) {
    String userId = "fan-" + seatId;
    var hold = api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE + "\",\"seatId\":\""
        + seatId + "\",\"userId\":\"" + userId + "\"}");
    assertThat(hold.status()).as("hold %s: %s", seatId, hold.body()).isEqualTo(201);
    long price = priceOf(seatId);
    String holdId = hold.text("holdId");
    return new Bought(holdId, userId, price, pay(holdId, userId, price, key));
  }

  private static Http.Response pay(String holdId, String userId, long amount, String key) {
    return api.post("/payments", "{\"holdId\":\"" + holdId + "\",\"userId\":\"" + userId
        + "\",\"amount\":" + amount + "}", "Idempotency-Key", key);
  }

  private static long priceOf(String seatId) {
    for (var seat : api.get("/performances/" + PERFORMANCE + "/seats").body()) {
      if (seat.path("seatId").asText().equals(seatId)) {
        return seat.path("price").asLong();
      }
    }
    throw new AssertionError("no seat " + seatId);
  }

  private static double waiters() {
    return new Scrape(system.ops.get("/metrics").raw().body()).sum("payment_status_waiters");
  }

  private static String awaitStatus(String tx, String status) {
    await().atMost(Duration.ofSeconds(30)).until(() ->
        api.get("/payments/" + tx).text("status").equals(status));
    return status;
  }

  // --- long-polling ------------------------------------------------------------------------------

  @Test
  void a_long_poll_returns_as_soon_as_the_payment_changes_not_at_its_bound() {
    pg.post("/admin/faults", "{\"latencyMs\":1500}");
    Bought bought = holdAndPay("A-1", UUID.randomUUID().toString());
    String tx = bought.paymentTxId();

    // Created within a commit or two; the PG's 1.5 s keeps it PENDING well after that.
    var first = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> api.get("/payments/" + tx), r -> r.status() == 200);
    assertThat(first.text("status")).isEqualTo("PENDING");
    assertThat(first.body().path("retryAfterMs").asLong()).isPositive();
    assertThat(first.raw().headers().firstValue("Retry-After")).isPresent();
    assertThat(first.text("message")).contains("ask again");

    long started = System.nanoTime();
    var done = api.get("/payments/" + tx + "?waitMs=20000", Duration.ofSeconds(25));
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(done.text("status")).isEqualTo("SUCCESS");
    assertThat(tookMs).as("answered on the change, long before the 20 s bound")
        .isLessThan(10_000);
    assertThat(done.raw().headers().firstValue("Retry-After")).isEmpty();
    assertThat(waiters()).isZero();
  }

  @Test
  void a_long_poll_with_no_change_ends_at_its_bound_and_leaves_no_waiter() throws Exception {
    String unknown = UUID.randomUUID().toString();
    long started = System.nanoTime();
    CompletableFuture<Http.Response> waiting = CompletableFuture.supplyAsync(() ->
        api.get("/payments/" + unknown + "?waitMs=2000", Duration.ofSeconds(10)));
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
        .until(() -> waiters() == 1);

    Http.Response response = waiting.get();
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.text("error")).isEqualTo("UNKNOWN_PAYMENT");
    assertThat(tookMs).isBetween(1_900L, 6_000L);
    assertThat(waiters()).isZero();
  }

  @Test
  void many_long_polls_on_one_payment_all_end_and_leave_no_waiter() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(20);
    try {
      String unknown = UUID.randomUUID().toString();
      List<Future<Http.Response>> polls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        polls.add(clients.submit(() ->
            api.get("/payments/" + unknown + "?waitMs=1500", Duration.ofSeconds(10))));
      }
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
          .until(() -> waiters() == 20);
      for (Future<Http.Response> poll : polls) {
        assertThat(poll.get().status()).isEqualTo(404);
      }
      assertThat(waiters()).isZero();
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void an_invalid_waitMs_is_a_400_with_a_json_error() {
    for (String bad : List.of("-5", "soon", "1.5")) {
      var response = api.get("/payments/" + UUID.randomUUID() + "?waitMs=" + bad);
      assertThat(response.status()).as(bad).isEqualTo(400);
      assertThat(response.text("error")).isEqualTo("INVALID_WAIT");
    }
  }

  // --- idempotent POST /payments ----------------------------------------------------------------

  @Test
  void sequential_replays_answer_202_with_the_same_transaction_then_200_ALREADY_COMPLETED() {
    String key = UUID.randomUUID().toString();
    Bought bought = holdAndPay("A-2", key);
    assertThat(bought.accepted().status()).isEqualTo(202);
    String tx = bought.paymentTxId();

    var replay = pay(bought.holdId(), bought.userId(), bought.amount(), key);
    assertThat(replay.status()).isIn(202, 200);
    assertThat(replay.text("paymentTxId")).isEqualTo(tx);

    awaitStatus(tx, "SUCCESS");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        api.get("/holds/" + bought.holdId()).status() == 404);
    var afterSuccess = pay(bought.holdId(), bought.userId(), bought.amount(), key);

    assertThat(afterSuccess.status()).isEqualTo(200);
    assertThat(afterSuccess.text("status")).isEqualTo("ALREADY_COMPLETED");
    assertThat(afterSuccess.text("paymentTxId")).isEqualTo(tx);
    assertThat(afterSuccess.body().path("reservation").path("seatId").asText()).isEqualTo("A-2");
    assertThat(afterSuccess.body().path("reservation").path("confirmed").asBoolean()).isTrue();
    assertThat(pg.get("/v1/charges?idempotencyKey=" + tx).body()).hasSize(1);
  }

  @Test
  void the_same_key_with_another_body_is_a_422() {
    String key = UUID.randomUUID().toString();
    Bought bought = holdAndPay("A-3", key);
    String tx = bought.paymentTxId();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        api.get("/payments/" + tx).status() == 200);

    var otherAmount = pay(bought.holdId(), bought.userId(), bought.amount() + 1, key);
    var otherHold = pay("another-hold", bought.userId(), bought.amount(), key);

    assertThat(otherAmount.status()).isEqualTo(422);
    assertThat(otherAmount.text("error")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(otherHold.status()).isEqualTo(422);
    assertThat(otherHold.text("error")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
  }

  @Test
  void concurrent_replays_of_one_key_create_exactly_one_transaction() throws Exception {
    String seatId = "A-4";
    String userId = "fan-" + seatId;
    var hold = api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE + "\",\"seatId\":\""
        + seatId + "\",\"userId\":\"" + userId + "\"}");
    String holdId = hold.text("holdId");
    long price = priceOf(seatId);
    String key = UUID.randomUUID().toString();
    ExecutorService fans = Executors.newFixedThreadPool(8);
    List<Http.Response> answers = new ArrayList<>();
    try {
      List<Future<Http.Response>> sent = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        sent.add(fans.submit(() -> pay(holdId, userId, price, key)));
      }
      for (Future<Http.Response> f : sent) {
        answers.add(f.get());
      }
    } finally {
      fans.shutdownNow();
    }

    assertThat(answers).extracting(Http.Response::status).allMatch(s -> s == 202 || s == 200);
    Set<String> ids = answers.stream().map(a -> a.text("paymentTxId"))
        .collect(Collectors.toSet());
    assertThat(ids).hasSize(1);
    String tx = ids.iterator().next();
    awaitStatus(tx, "SUCCESS");
    StringDeserializer text = new StringDeserializer();
    List<String> versions = TopicRecords.readAll(dev.soldout.devstack.TestServices.kafkaBootstrap(),
            system.topics.txState().name(), "read_committed").stream()
        .filter(r -> tx.equals(text.deserialize(r.topic(), r.key())))
        .map(ConsumerRecord::value)
        .map(v -> text.deserialize("", v).replaceAll(".*\"version\":(\\d+).*", "$1"))
        .toList();
    assertThat(versions).as("one transaction: each version once").doesNotHaveDuplicates()
        .startsWith("1");
    assertThat(pg.get("/v1/charges?idempotencyKey=" + tx).body()).hasSize(1);
  }
}
