package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.app.drill.SagaDrill;
import dev.soldout.seats.catalog.DemoCatalog;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The first purchase, end to end over HTTP: a real Kafka broker, Redis, PostgreSQL, the sandbox
 * PG and one soldout instance. Then the bad input a fan can send, each a 4xx with a JSON body.
 */
class EndToEndTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);
  private static LocalSoldout system;
  private static Http api;
  private static Http pg;

  @BeforeAll
  static void startTheSystem() throws Exception {
    system = LocalSoldout.start("e2e", 300, 2);
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

  private static Http.Response hold(String seatId, String userId) {
    return api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE + "\",\"seatId\":\""
        + seatId + "\",\"userId\":\"" + userId + "\"}");
  }

  private static Http.Response pay(String holdId, String userId, long amount) {
    return api.post("/payments", "{\"holdId\":\"" + holdId + "\",\"userId\":\"" + userId
        + "\",\"amount\":" + amount + "}", "Idempotency-Key", holdId);
  }

  private static long priceOf(String seatId) {
    for (var seat : api.get("/performances/" + PERFORMANCE + "/seats").body()) {
      if (seat.path("seatId").asText().equals(seatId)) {
        return seat.path("price").asLong();
      }
    }
    throw new AssertionError("no seat " + seatId);
  }

  private static String seatStatus(String seatId) {
    for (var seat : api.get("/performances/" + PERFORMANCE + "/seats").body()) {
      if (seat.path("seatId").asText().equals(seatId)) {
        return seat.path("status").asText();
      }
    }
    throw new AssertionError("no seat " + seatId);
  }

  @Test
  void a_fan_holds_a_seat_pays_and_polls_the_payment_to_SUCCESS() {
    var hold = hold("A-1", "fan-1");
    assertThat(hold.status()).isEqualTo(201);
    assertThat(hold.body().path("fencingToken").asLong()).isPositive();
    assertThat(seatStatus("A-1")).isEqualTo("HELD");

    var accepted = pay(hold.text("holdId"), "fan-1", priceOf("A-1"));
    assertThat(accepted.status()).isEqualTo(202);
    String tx = accepted.text("paymentTxId");
    assertThat(accepted.text("status")).isEqualTo("PENDING");
    assertThat(accepted.raw().headers().firstValue("Location")).contains("/payments/" + tx);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(api.get("/payments/" + tx).text("status")).isEqualTo("SUCCESS"));
    var paid = api.get("/payments/" + tx);
    assertThat(paid.body().path("attempts").asInt()).isEqualTo(1);
    assertThat(paid.body().path("reservation").path("seatId").asText()).isEqualTo("A-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> seatStatus("A-1").equals("SOLD"));

    var charges = pg.get("/v1/charges?idempotencyKey=" + tx).body();
    assertThat(charges).hasSize(1);
    assertThat(charges.get(0).path("amount").asLong()).isEqualTo(priceOf("A-1"));
    assertThat(hold("A-1", "fan-2").status()).isEqualTo(409);
  }

  @Test
  void replaying_a_payment_with_the_same_idempotency_key_reaches_the_same_transaction() {
    var hold = hold("A-2", "fan-3");
    long price = priceOf("A-2");

    String first = pay(hold.text("holdId"), "fan-3", price).text("paymentTxId");
    String second = pay(hold.text("holdId"), "fan-3", price).text("paymentTxId");

    assertThat(second).isEqualTo(first);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(api.get("/payments/" + first).text("status")).isEqualTo("SUCCESS"));
    assertThat(pg.get("/v1/charges?idempotencyKey=" + first).body()).hasSize(1);
  }

  @Test
  void malformed_json_is_a_400_with_a_json_error_body() {
    var response = api.post("/holds", "{not json");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.text("error")).isEqualTo("INVALID_JSON");
    assertThat(response.text("message")).isNotBlank();
  }

  @Test
  void missing_and_mistyped_fields_are_400s() {
    assertThat(api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE + "\"}").text("error"))
        .isEqualTo("MISSING_FIELD");
    assertThat(api.post("/holds", "[]").status()).isEqualTo(400);
    var mistyped = api.post("/payments", "{\"holdId\":\"h\",\"userId\":\"u\",\"amount\":\"lots\"}");
    assertThat(mistyped.status()).isEqualTo(400);
    assertThat(mistyped.text("error")).isEqualTo("INVALID_JSON");
    assertThat(api.post("/payments", "{\"holdId\":\"h\",\"userId\":\"u\",\"amount\":-5}")
        .text("error")).isEqualTo("INVALID_AMOUNT");
  }

  @Test
  void unknown_ids_are_404s() {
    assertThat(hold("Z-999", "fan-1").text("error")).isEqualTo("UNKNOWN_SEAT");
    assertThat(api.get("/performances/nope/seats").text("error"))
        .isEqualTo("UNKNOWN_PERFORMANCE");
    assertThat(api.get("/concerts/nope").status()).isEqualTo(404);
    assertThat(api.get("/holds/" + UUID.randomUUID()).text("error")).isEqualTo("HOLD_NOT_FOUND");
    assertThat(api.get("/payments/" + UUID.randomUUID()).text("error"))
        .isEqualTo("UNKNOWN_PAYMENT");
    var noRoute = api.get("/no/such/route");
    assertThat(noRoute.status()).isEqualTo(404);
    assertThat(noRoute.text("error")).isEqualTo("NOT_FOUND");
  }

  @Test
  void a_held_seat_is_a_409_for_the_next_fan() {
    hold("B-1", "fan-4");

    var second = hold("B-1", "fan-5");

    assertThat(second.status()).isEqualTo(409);
    assertThat(second.text("error")).isEqualTo("SEAT_UNAVAILABLE");
  }

  @Test
  void paying_with_a_missing_or_foreign_hold_is_a_409_and_a_wrong_amount_a_422() {
    var hold = hold("B-2", "fan-6");
    String holdId = hold.text("holdId");

    assertThat(pay(UUID.randomUUID().toString(), "fan-6", 1).status()).isEqualTo(409);
    var foreign = pay(holdId, "fan-7", priceOf("B-2"));
    assertThat(foreign.status()).isEqualTo(409);
    assertThat(foreign.text("error")).isEqualTo("HOLD_INVALID");
    assertThat(pay(holdId, "fan-6", priceOf("B-2") + 1).text("error"))
        .isEqualTo("AMOUNT_MISMATCH");
  }

  @Test
  void a_fan_releases_only_their_own_hold() {
    String holdId = hold("B-3", "fan-8").text("holdId");

    assertThat(api.delete("/holds/" + holdId + "?userId=fan-9").status()).isEqualTo(404);
    assertThat(api.get("/holds/" + holdId + "?userId=fan-8").status()).isEqualTo(200);
    assertThat(api.delete("/holds/" + holdId + "?userId=fan-8").status()).isEqualTo(204);
    assertThat(api.get("/holds/" + holdId + "?userId=fan-8").status()).isEqualTo(404);
    assertThat(hold("B-3", "fan-9").status()).isEqualTo(201);
  }

  @Test
  void with_a_flaky_slow_pg_every_payment_ends_SUCCESS_or_CANCELLED_and_the_money_adds_up()
      throws Exception {
    var options = SagaDrill.Options.parse(new String[] {
        "--api", api.base(), "--pg", pg.base(), "--performance",
        DemoCatalog.PERFORMANCE_IDS.get(1), "--payments", "40", "--error-rate", "0.3",
        "--lost-response-rate", "0.1", "--latency-ms", "50", "--timeout-s", "90"});

    SagaDrill.Report report = new SagaDrill(options, System.out).run();

    assertThat(report.violations()).isEmpty();
    assertThat(report.accepted()).isEqualTo(40);
    assertThat(report.pending()).isZero();
    assertThat(report.succeeded() + report.cancelled()).isEqualTo(40);
    assertThat(report.succeeded()).isPositive();
  }

  @Test
  void health_and_metrics_answer() {
    var health = api.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("checks").path("kafka").path("status").asText())
        .isEqualTo("UP");
    assertThat(api.get("/health/live").status()).isEqualTo(200);
    assertThat(api.get("/health/redis").status()).isEqualTo(200);
    assertThat(api.get("/health/db").status()).isEqualTo(200);
    // Metrics are for operators, on their own port only.
    assertThat(system.ops.get("/metrics").body().asText())
        .contains("http_request_duration_seconds");
    assertThat(api.get("/metrics").status()).isEqualTo(404);
  }
}
