package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.seats.catalog.DemoCatalog;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The waiting room over HTTP on one instance with the queue on for every performance: join,
 * wait, be admitted, hold and pay with the admission, and the bad tokens a fan can send.
 */
class WaitingRoomHttpTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);
  private static final String OTHER_PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(1);
  private static final String ADMISSION = "X-Admission-Token";
  private static LocalSoldout system;
  private static Http api;

  @BeforeAll
  static void startTheSystem() throws Exception {
    system = LocalSoldout.start("queue", 200, 2,
        Map.of("QUEUE_ENABLED", "true", "QUEUE_ADMIT_PER_SECOND", "20"));
    api = system.api;
    await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/health/ready").status() == 200);
  }

  @AfterAll
  static void stopTheSystem() {
    if (system != null) {
      system.close();
    }
  }

  private static Http.Response join(String performance, String userId) {
    return api.post("/queue/" + performance + "/join", "{\"userId\":\"" + userId + "\"}");
  }

  private static Http.Response status(String performance, String queueToken) {
    return api.get("/queue/" + performance + "/status?token=" + queueToken);
  }

  /** Joins and waits until admitted; returns the admission token. */
  private static String admitted(String performance, String userId) {
    String queueToken = join(performance, userId).text("queueToken");
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> status(performance, queueToken).text("state").equals("ADMITTED"));
    return status(performance, queueToken).text("admissionToken");
  }

  private static Http.Response hold(String seatId, String userId, String... headers) {
    return api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE + "\",\"seatId\":\""
        + seatId + "\",\"userId\":\"" + userId + "\"}", headers);
  }

  @Test
  void a_fan_joins_is_admitted_then_holds_and_pays_with_the_admission_which_then_ends() {
    var joined = join(PERFORMANCE, "fan-1");
    assertThat(joined.status()).isEqualTo(202);
    assertThat(joined.text("state")).isIn("WAITING", "ADMITTED");
    assertThat(joined.body().path("pollAfterMs").asLong()).isBetween(1_000L, 60_000L);
    String queueToken = joined.text("queueToken");
    assertThat(join(PERFORMANCE, "fan-1").body().path("position").asLong())
        .as("joining twice keeps the place").isLessThanOrEqualTo(
            joined.body().path("position").asLong());

    String admission = admitted(PERFORMANCE, "fan-1");
    var hold = hold("A-1", "fan-1", ADMISSION, admission);
    assertThat(hold.status()).isEqualTo(201);
    String holdId = hold.text("holdId");
    // Section A's price (DemoCatalog).
    var paid = api.post("/payments", "{\"holdId\":\"" + holdId + "\",\"userId\":\"fan-1\","
        + "\"amount\":165000}", "Idempotency-Key", holdId, ADMISSION, admission);
    assertThat(paid.status()).isEqualTo(202);

    // The payment ends: the fan's admission frees its place at once, not after 10 minutes.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(status(PERFORMANCE, queueToken).text("state")).isEqualTo("EXPIRED"));
  }

  @Test
  void holds_and_payments_without_an_admission_are_refused_with_QUEUE_REQUIRED_and_a_borrowed_one_too() {
    var hold = hold("A-2", "fan-2");
    assertThat(hold.status()).isEqualTo(403);
    assertThat(hold.text("error")).isEqualTo("QUEUE_REQUIRED");
    assertThat(hold.text("message")).contains("/queue/" + PERFORMANCE + "/join");

    String admission = admitted(PERFORMANCE, "fan-9");
    String holdId = hold("A-4", "fan-9", ADMISSION, admission).text("holdId");
    var unadmitted = api.post("/payments", "{\"holdId\":\"" + holdId
        + "\",\"userId\":\"fan-9\",\"amount\":165000}", "Idempotency-Key", holdId);
    var borrowed = api.post("/payments", "{\"holdId\":\"" + holdId
        + "\",\"userId\":\"fan-9\",\"amount\":165000}", "Idempotency-Key", holdId,
        ADMISSION, admitted(PERFORMANCE, "fan-10"));
    assertThat(unadmitted.status()).isEqualTo(403);
    assertThat(unadmitted.text("error")).isEqualTo("QUEUE_REQUIRED");
    assertThat(borrowed.status()).isEqualTo(403);
    assertThat(borrowed.text("error")).isEqualTo("ADMISSION_MISMATCH");
  }

  @Test
  void a_fan_cannot_hold_with_another_fans_or_another_performances_or_a_forged_admission() {
    String admission = admitted(PERFORMANCE, "fan-3");
    String otherPerformance = admitted(OTHER_PERFORMANCE, "fan-3");
    String[] parts = admission.split("\\.");
    String forged = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2)
        + (parts[1].endsWith("AA") ? "BB" : "AA");

    var someoneElses = hold("A-3", "fan-4", ADMISSION, admission);
    var wrongShow = hold("A-3", "fan-3", ADMISSION, otherPerformance);
    var fake = hold("A-3", "fan-3", ADMISSION, forged);
    var garbage = hold("A-3", "fan-3", ADMISSION, "not-a-token");

    assertThat(someoneElses.status()).isEqualTo(403);
    assertThat(someoneElses.text("error")).isEqualTo("ADMISSION_MISMATCH");
    assertThat(wrongShow.text("error")).isEqualTo("ADMISSION_MISMATCH");
    assertThat(wrongShow.text("message")).contains(OTHER_PERFORMANCE);
    assertThat(fake.status()).isEqualTo(403);
    assertThat(fake.text("error")).isEqualTo("ADMISSION_INVALID");
    assertThat(garbage.text("error")).isEqualTo("ADMISSION_INVALID");
    assertThat(hold("A-3", "fan-3", ADMISSION, admission).status()).isEqualTo(201);
  }

  @Test
  void status_refuses_a_forged_queue_token_or_one_for_another_performance() {
    String queueToken = join(PERFORMANCE, "fan-5").text("queueToken");

    var forged = status(PERFORMANCE, "x" + queueToken);
    var elsewhere = status(OTHER_PERFORMANCE, queueToken);
    var admissionAsQueueToken = status(PERFORMANCE, admitted(PERFORMANCE, "fan-6"));

    assertThat(forged.status()).isEqualTo(403);
    assertThat(forged.text("error")).isEqualTo("INVALID_QUEUE_TOKEN");
    assertThat(elsewhere.text("error")).isEqualTo("QUEUE_TOKEN_MISMATCH");
    assertThat(admissionAsQueueToken.text("error")).isEqualTo("INVALID_QUEUE_TOKEN");
    assertThat(api.get("/queue/" + PERFORMANCE + "/status").text("error"))
        .isEqualTo("MISSING_FIELD");
  }

  @Test
  void an_unknown_performance_is_404_and_another_fans_name_in_the_body_is_403() {
    var unknown = join("no-such-show", "fan-7");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.text("error")).isEqualTo("UNKNOWN_PERFORMANCE");
    var posing = api.post("/queue/" + PERFORMANCE + "/join", "{\"userId\":\"fan-7\"}",
        "Authorization", TestFans.bearer("fan-8"));
    assertThat(posing.status()).isEqualTo(403);
    assertThat(posing.text("error")).isEqualTo("USER_MISMATCH");
  }

  @Test
  void another_fans_queue_token_does_not_show_their_place() {
    String queueToken = join(PERFORMANCE, "fan-20").text("queueToken");
    String asIntruder = TestFans.bearer("fan-21");

    var peek = api.get("/queue/" + PERFORMANCE + "/status?token=" + queueToken,
        Duration.ofSeconds(5), "Authorization", asIntruder);
    assertThat(peek.status()).isEqualTo(403);
    assertThat(peek.text("error")).isEqualTo("QUEUE_TOKEN_MISMATCH");
    assertThat(status(PERFORMANCE, queueToken).status()).as("still fan-20's").isEqualTo(200);
  }

  @Test
  void a_fan_who_leaves_frees_the_place_and_the_admission_no_longer_shows() {
    String admission = admitted(PERFORMANCE, "fan-8");
    String queueToken = join(PERFORMANCE, "fan-8").text("queueToken");

    var left = api.delete("/queue/" + PERFORMANCE + "/session?token=" + queueToken);
    assertThat(left.status()).isEqualTo(204);
    assertThat(status(PERFORMANCE, queueToken).text("state")).isEqualTo("EXPIRED");
    assertThat(api.delete("/queue/" + PERFORMANCE + "/session?token=" + queueToken).status())
        .isEqualTo(404);
    assertThat(admission).isNotBlank();
  }
}
