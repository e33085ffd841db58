package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.devstack.FreePorts;
import dev.soldout.devstack.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node whose Redis is down: it starts all the same, its Redis check answers 503 DOWN within the
 * health timeout while readiness and liveness stay 200 (holds fall back to the database, so the
 * instance keeps its traffic), a fan still holds and buys a seat, and the check is UP again once
 * Redis is back on the same address. The node gets a Redis of its own, so stopping it harms no
 * other test.
 */
class RedisOutageTest {
  /** The health timeout (2 s) plus room for the request itself on a busy machine. */
  private static final Duration WITHIN_TIMEOUT = Duration.ofSeconds(3);

  private static RedisServer redis;
  private static LocalSoldout system;
  private static Http api;
  private static final String PERFORMANCE = "aurora-seoul-1";

  @BeforeAll
  static void startANodeWhoseRedisIsNotRunning() throws Exception {
    redis = new RedisServer(FreePorts.next());
    system = LocalSoldout.start("redis-outage", 10, 1, redis.url());
    api = system.api;
    system.node.awaitRunning();
  }

  @AfterAll
  static void stopEverything() {
    if (system != null) {
      system.close();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  @Test
  void redis_going_down_and_up_shows_in_its_health_while_the_instance_stays_ready() {
    assertRedisDown();

    redis.start();
    assertRedisUp();

    redis.stop();
    assertRedisDown();

    redis.start();
    assertRedisUp();
  }

  @Test
  void while_redis_is_down_a_fan_still_holds_and_buys_a_seat_through_the_database_fallback() {
    redis.stop();
    String seat = "A-7";

    Http.Response hold = api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE
        + "\",\"seatId\":\"" + seat + "\",\"userId\":\"fan-outage\"}");
    assertThat(hold.status()).isEqualTo(201);
    String holdId = hold.text("holdId");
    assertThat(holdId).startsWith("db-");
    Http.Response paid = api.post("/payments", "{\"holdId\":\"" + holdId
        + "\",\"userId\":\"fan-outage\",\"amount\":165000}");
    assertThat(paid.status()).isEqualTo(202);

    String status = "/payments/" + paid.text("paymentTxId");
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get(status).text("status"),
        s -> s.equals("SUCCESS"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String sold = "";
      for (var view : api.get("/performances/" + PERFORMANCE + "/seats").body()) {
        if (view.path("seatId").asText().equals(seat)) {
          sold = view.path("status").asText();
        }
      }
      assertThat(sold).isEqualTo("SOLD");
    });
    redis.start();
  }

  private static void assertRedisDown() {
    await().atMost(WITHIN_TIMEOUT).untilAsserted(() -> {
      assertThat(timed("/health/redis")).isEqualTo(503);
      assertThat(api.get("/health/redis").text("status")).isEqualTo("DOWN");
    });
    // Holds fall back to the database, so the instance keeps taking traffic.
    assertThat(timed("/health/ready")).isEqualTo(200);
    assertThat(api.get("/health/live").status()).isEqualTo(200);
    // The background probe runs every 5 s, each run bounded by the 2 s timeout.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        new Scrape(system.ops.get("/metrics").body().asText())
            .sum("soldout_dependency_up", "dependency=\"redis\"")).isZero());
  }

  private static void assertRedisUp() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(timed("/health/redis")).isEqualTo(200);
      assertThat(timed("/health/ready")).isEqualTo(200);
    });
    assertThat(api.get("/health/ready").text("status")).isEqualTo("UP");
    assertThat(api.get("/health/live").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        new Scrape(system.ops.get("/metrics").body().asText())
            .sum("soldout_dependency_up", "dependency=\"redis\"")).isEqualTo(1));
  }

  /** The status of a health route, which must answer within the health timeout, UP or DOWN. */
  private static int timed(String path) {
    long started = System.nanoTime();
    int status = api.get(path).status();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WITHIN_TIMEOUT);
    return status;
  }
}
