package dev.soldout.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class HealthServiceTest {
  private final CountDownLatch never = new CountDownLatch(1);

  @Test
  void a_hung_dependency_answers_DOWN_within_the_timeout_while_the_others_answer_UP() {
    try (HealthService health = new HealthService(List.of(
        new HealthCheck("redis", true, () -> {
          never.await();
          return "unreachable";
        }),
        new HealthCheck("db", true, () -> "SELECT 1")), Duration.ofMillis(300))) {
      long started = System.nanoTime();

      var results = health.runAll();

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
      assertThat(results.get("redis").status()).isEqualTo("DOWN");
      assertThat(results.get("redis").detail()).contains("300 ms");
      assertThat(results.get("db").up()).isTrue();
    }
  }

  @Test
  void a_failing_check_is_DOWN_with_its_reason_and_readiness_ignores_checks_it_does_not_need() {
    try (HealthService health = new HealthService(List.of(
        new HealthCheck("kafka", true, () -> "ok"),
        new HealthCheck("extra", false, () -> {
          throw new IllegalStateException("broken");
        })), Duration.ofSeconds(1))) {
      assertThat(health.run("extra").detail()).contains("IllegalStateException: broken");
      assertThat(health.runReadiness()).containsOnlyKeys("kafka");
    }
  }
}
