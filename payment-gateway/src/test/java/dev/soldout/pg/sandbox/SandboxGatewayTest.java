package dev.soldout.pg.sandbox;

import static dev.soldout.pg.sandbox.RunningSandbox.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxGatewayTest {
  private final RunningSandbox pg = new RunningSandbox(7);

  @AfterEach
  void stop() {
    pg.close();
  }

  private static String chargeBody(String key, long amount) {
    return "{\"idempotencyKey\":\"" + key + "\",\"amount\":" + amount + ",\"userId\":\"u1\"}";
  }

  private HttpResponse<String> charge(String key, long amount) {
    return pg.post("/v1/charges", chargeBody(key, amount));
  }

  @Test
  void chargeIsApprovedOnceAndReplayedWithTheFirstResult() {
    HttpResponse<String> first = charge("tx-1", 5000);
    HttpResponse<String> replay = charge("tx-1", 5000);

    assertThat(first.statusCode()).isEqualTo(201);
    JsonNode charge = json(first);
    assertThat(charge.get("status").asText()).isEqualTo("APPROVED");
    assertThat(charge.get("amount").asLong()).isEqualTo(5000);
    assertThat(charge.get("refundedAmount").asLong()).isZero();
    assertThat(charge.has("declineReason")).isFalse();
    assertThat(charge.get("createdAt").asText()).isNotBlank();
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(json(replay)).isEqualTo(charge);
    assertThat(pg.ledger.all()).hasSize(1);
  }

  @Test
  void sameKeyWithAnotherAmountIsAConflict() {
    charge("tx-1", 5000);

    HttpResponse<String> other = charge("tx-1", 6000);

    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(json(other).get("error").asText()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
  }

  @Test
  void concurrentRequestsWithOneKeyChargeOnce() {
    List<HttpResponse<String>> answers = IntStream.range(0, 50)
        .mapToObj(i -> pg.postAsync("/v1/charges", chargeBody("tx-race", 700)))
        .map(CompletableFuture::join)
        .toList();

    assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200, 201)
        .filteredOn(status -> status == 201).hasSize(1);
    assertThat(answers).extracting(a -> json(a).get("chargeId").asText()).containsOnly(
        pg.ledger.byIdempotencyKey("tx-race").orElseThrow().chargeId());
    assertThat(pg.ledger.all()).hasSize(1);
  }

  @Test
  void refundIsIdempotent() {
    String chargeId = json(charge("tx-1", 5000)).get("chargeId").asText();

    HttpResponse<String> first = pg.post("/v1/charges/" + chargeId + "/refund", "");
    HttpResponse<String> second = pg.post("/v1/charges/" + chargeId + "/refund", "");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(json(first).get("refundedAmount").asLong()).isEqualTo(5000);
    assertThat(json(second)).isEqualTo(json(first));
  }

  @Test
  void refundOfAnUnknownOrDeclinedChargeIsRefused() {
    pg.faults.set(new Faults(0, 0, 0, false, 1));
    JsonNode declined = json(charge("tx-1", 5000));
    assertThat(declined.get("status").asText()).isEqualTo("DECLINED");
    assertThat(declined.get("declineReason").asText()).isEqualTo("CARD_DECLINED");

    HttpResponse<String> unknown = pg.post("/v1/charges/ch_nope/refund", "");
    HttpResponse<String> ofDeclined =
        pg.post("/v1/charges/" + declined.get("chargeId").asText() + "/refund", "");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).get("error").asText()).isEqualTo("CHARGE_NOT_FOUND");
    assertThat(ofDeclined.statusCode()).isEqualTo(409);
    assertThat(json(ofDeclined).get("error").asText()).isEqualTo("CHARGE_NOT_APPROVED");
  }

  @Test
  void listsChargesByKeyOrAll() {
    charge("tx-1", 100);
    charge("tx-2", 200);

    JsonNode byKey = json(pg.get("/v1/charges?idempotencyKey=tx-2"));
    assertThat(byKey).hasSize(1);
    assertThat(byKey.get(0).get("amount").asLong()).isEqualTo(200);
    assertThat(json(pg.get("/v1/charges?idempotencyKey=tx-3"))).isEmpty();
    assertThat(json(pg.get("/v1/charges"))).hasSize(2);
  }

  @Test
  void injectedErrorsAnswer503WithoutCharging() {
    pg.post("/admin/faults", "{\"errorRate\": 1.0}");

    HttpResponse<String> answer = charge("tx-1", 100);

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(json(answer).get("error").asText()).isEqualTo("INJECTED_ERROR");
    assertThat(pg.ledger.all()).isEmpty();
  }

  @Test
  void aLostResponseChargesAndAnswers503() {
    pg.post("/admin/faults", "{\"lostResponseRate\": 1.0}");

    HttpResponse<String> lost = charge("tx-1", 100);
    pg.post("/admin/faults", "{\"lostResponseRate\": 0}");
    HttpResponse<String> replay = charge("tx-1", 100);

    assertThat(lost.statusCode()).isEqualTo(503);
    assertThat(json(lost).get("error").asText()).isEqualTo("RESPONSE_LOST");
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(pg.ledger.all()).hasSize(1);
  }

  @Test
  void anOutageTakesDownV1ButNotAdmin() {
    pg.post("/admin/faults", "{\"outage\": true}");

    assertThat(charge("tx-1", 100).statusCode()).isEqualTo(503);
    assertThat(pg.get("/v1/charges").statusCode()).isEqualTo(503);
    HttpResponse<String> admin = pg.get("/admin/faults");
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(json(admin).get("outage").asBoolean()).isTrue();
    assertThat(pg.ledger.all()).isEmpty();
  }

  @Test
  void latencyDelaysTheAnswerWithoutHoldingServerThreads() {
    pg.post("/admin/faults", "{\"latencyMs\": 300}");
    long started = System.nanoTime();

    // More requests than Jetty has threads: the delay waits on a scheduler, not on them.
    List<HttpResponse<String>> answers = IntStream.range(0, 300)
        .mapToObj(i -> pg.postAsync("/v1/charges", chargeBody("tx-" + i, 100)))
        .toList().stream().map(CompletableFuture::join).toList();

    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(201);
    assertThat(elapsed).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
    assertThat(pg.ledger.all()).hasSize(300);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "not json", "null", "[]", "{\"amount\":100,\"userId\":\"u1\"}",
      "{\"idempotencyKey\":\"k\",\"userId\":\"u1\"}",
      "{\"idempotencyKey\":\"k\",\"amount\":0,\"userId\":\"u1\"}",
      "{\"idempotencyKey\":\"k\",\"amount\":12.5,\"userId\":\"u1\"}",
      "{\"idempotencyKey\":\"k\",\"amount\":\"ten\",\"userId\":\"u1\"}",
      "{\"idempotencyKey\":\" \",\"amount\":10,\"userId\":\"u1\"}",
      "{\"idempotencyKey\":\"k\",\"amount\":10}"})
  void badChargeBodiesAre400(String body) {
    HttpResponse<String> answer = pg.post("/v1/charges", body);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(json(answer).get("error").asText()).isEqualTo("BAD_REQUEST");
    assertThat(json(answer).get("message").asText()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[]", "{\"errorRate\": 1.5}", "{\"declineRate\": -0.1}", "{\"latencyMs\": 2.5}",
      "{\"latencyMs\": -1}", "{\"outage\": \"yes\"}", "{\"errorRate\": \"0.1\"}",
      "{\"chaos\": 1}"})
  void badFaultsAre400AndChangeNothing(String body) {
    HttpResponse<String> answer = pg.post("/admin/faults", body);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(json(answer).get("error").asText()).isEqualTo("BAD_REQUEST");
    assertThat(pg.faults.faults()).isEqualTo(Faults.NONE);
  }

  @Test
  void faultsAreMergedAndReadBack() {
    pg.post("/admin/faults", "{\"errorRate\": 0.25, \"latencyMs\": 10}");
    HttpResponse<String> answer = pg.post("/admin/faults", "{\"declineRate\": 0.5}");

    assertThat(pg.faults.faults()).isEqualTo(new Faults(0.25, 0, 10, false, 0.5));
    assertThat(json(answer)).isEqualTo(json(pg.get("/admin/faults")));
  }

  @Test
  void anUnknownRouteIsAJson404() {
    HttpResponse<String> answer = pg.get("/v1/nothing");

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(json(answer).get("error").asText()).isNotBlank();
  }
}
