package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fan API on a whole node: a fan reaches only their own holds and payments, abuse is bounded
 * with 429s that recover, and hostile bodies are refused without harm. Token checks themselves
 * are FanAuthTest's.
 */
class SecurityTest {
  private static final String PERFORMANCE = "aurora-seoul-1";

  private static LocalSoldout system;
  private static Http api;

  @BeforeAll
  static void start() throws Exception {
    system = LocalSoldout.start("security", 40, 1, Map.of(
        "RATE_LIMIT_PER_FAN", "4", "RATE_LIMIT_WINDOW_MS", "3000"));
    api = system.api;
    system.node.awaitRunning();
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  private static Http.Response hold(String seat, String fan, String... headers) {
    return api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE + "\",\"seatId\":\"" + seat
        + "\"}", headers.length == 0 ? new String[] {"Authorization", TestFans.bearer(fan)}
        : headers);
  }

  @Test
  void without_a_token_nothing_is_held_and_the_seat_stays_free() throws Exception {
    HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(api.base() + "/holds")).POST(HttpRequest.BodyPublishers.ofString(
            "{\"performanceId\":\"" + PERFORMANCE + "\",\"seatId\":\"A-1\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    var forged = hold("A-1", null, "Authorization",
        "Bearer " + TestFans.forger().mint("fan-1").token());

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.text("error")).isEqualTo("INVALID_TOKEN");
    assertThat(hold("A-1", "fan-1").status()).isEqualTo(201);
  }

  @Test
  void another_fans_hold_and_payment_are_not_found_and_stay_unchanged() {
    String holdId = hold("A-2", "owner").text("holdId");
    String asIntruder = TestFans.bearer("intruder");

    assertThat(api.get("/holds/" + holdId, Duration.ofSeconds(5), "Authorization", asIntruder)
        .status()).isEqualTo(404);
    assertThat(api.delete("/holds/" + holdId + "?userId=intruder").status()).isEqualTo(404);
    assertThat(api.get("/holds/" + holdId + "?userId=owner").status())
        .as("still the owner's").isEqualTo(200);
    var payWithIt = api.post("/payments", "{\"holdId\":\"" + holdId + "\",\"amount\":165000}",
        "Authorization", asIntruder);
    assertThat(payWithIt.status()).isEqualTo(409);

    var paid = api.post("/payments", "{\"holdId\":\"" + holdId + "\",\"amount\":165000}",
        "Authorization", TestFans.bearer("owner"));
    assertThat(paid.status()).isEqualTo(202);
    String status = "/payments/" + paid.text("paymentTxId");
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get(status, Duration.ofSeconds(5),
        "Authorization", TestFans.bearer("owner")).text("status"), "SUCCESS"::equals);
    var peek = api.get(status, Duration.ofSeconds(5), "Authorization", asIntruder);
    assertThat(peek.status()).isEqualTo(404);
    assertThat(peek.text("error")).isEqualTo("UNKNOWN_PAYMENT");
    assertThat(peek.raw().body()).doesNotContain(holdId);
  }

  @Test
  void a_fan_over_the_rate_limit_gets_429_with_retry_after_and_recovers() {
    int accepted = 0;
    Http.Response limited = null;
    for (int i = 0; i < 8 && limited == null; i++) {
      // Each hold is released at once, so only the rate limit can refuse the fan.
      var answer = hold("A-" + (11 + i), "eager-fan");
      if (answer.status() == 429) {
        limited = answer;
      } else {
        accepted++;
        api.delete("/holds/" + answer.text("holdId") + "?userId=eager-fan");
      }
    }

    assertThat(accepted).isEqualTo(4);
    assertThat(limited).isNotNull();
    assertThat(limited.text("error")).isEqualTo("RATE_LIMITED");
    assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
    assertThat(hold("A-20", "calm-fan").status()).as("other fans are unaffected").isEqualTo(201);
    await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(500))
        .until(() -> hold("A-21", "eager-fan").status() == 201);
  }

  @Test
  void oversized_and_deeply_nested_bodies_are_refused_and_the_server_goes_on() {
    String huge = "{\"performanceId\":\"" + "x".repeat(64 * 1024) + "\"}";
    String deep = "[".repeat(5_000) + "]".repeat(5_000);

    var tooLarge = api.post("/holds", huge, "Authorization", TestFans.bearer("fan-9"));
    var tooDeep = api.post("/holds", deep, "Authorization", TestFans.bearer("fan-9"));

    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooDeep.status()).isEqualTo(400);
    assertThat(tooDeep.text("error")).isEqualTo("INVALID_JSON");
    assertThat(hold("A-30", "fan-9").status()).isEqualTo(201);
  }
}
