package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.seats.catalog.DemoCatalog;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /metrics after real payments through the API: the series the alerts and dashboards read are
 * there with sensible values, and the scrape passes {@code promtool check metrics}.
 */
class MetricsTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);
  private static final int PAYMENTS = 3;
  private static LocalSoldout system;
  private static Http api;

  @BeforeAll
  static void startTheSystemAndPay() throws Exception {
    system = LocalSoldout.start("metrics", 50, 2);
    api = system.api;
    await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/health/ready").status() == 200);
    for (int i = 1; i <= PAYMENTS; i++) {
      payFor("A-" + i, "fan-" + i);
    }
  }

  @AfterAll
  static void stopTheSystem() {
    if (system != null) {
      system.close();
    }
  }

  private static void payFor(String seatId, String userId) {
    var hold = api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE + "\",\"seatId\":\""
        + seatId + "\",\"userId\":\"" + userId + "\"}");
    assertThat(hold.status()).isEqualTo(201);
    long price = 0;
    for (var seat : api.get("/performances/" + PERFORMANCE + "/seats").body()) {
      if (seat.path("seatId").asText().equals(seatId)) {
        price = seat.path("price").asLong();
      }
    }
    var accepted = api.post("/payments", "{\"holdId\":\"" + hold.text("holdId")
        + "\",\"userId\":\"" + userId + "\",\"amount\":" + price + "}",
        "Idempotency-Key", hold.text("holdId"));
    assertThat(accepted.status()).isEqualTo(202);
    String tx = accepted.text("paymentTxId");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(api.get("/payments/" + tx).text("status")).isEqualTo("SUCCESS"));
  }

  private static Scrape scrape() {
    var response = system.ops.get("/metrics");
    assertThat(response.status()).isEqualTo(200);
    return new Scrape(response.body().asText());
  }

  @Test
  void after_payments_the_scrape_has_the_series_an_on_call_engineer_needs() {
    awaitEverySeries();
  }

  /**
   * Waits until the scrape has every series the alerts read, with values that match the
   * payments made: followers catch up within a second, Kafka's binders within their 10 s
   * refresh.
   */
  private static Scrape awaitEverySeries() {
    AtomicReference<Scrape> last = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Scrape metrics = scrape();
      last.set(metrics);
      assertThat(metrics.sum("payment_transitions_total", "status=\"SUCCESS\""))
          .isGreaterThanOrEqualTo(PAYMENTS);
      assertThat(metrics.sum("event_processing_duration_seconds_count",
          "stage=\"try_to_terminal\"", "outcome=\"SUCCESS\"")).isGreaterThanOrEqualTo(PAYMENTS);
      assertThat(metrics.sum("seat_hold_attempts_total", "result=\"held\""))
          .isGreaterThanOrEqualTo(PAYMENTS);
      assertThat(metrics.sum("redis_command_duration_seconds_count", "operation=\"take\""))
          .isGreaterThanOrEqualTo(PAYMENTS);
      assertThat(metrics.sum("payment_transactions", "status=\"SUCCESS\""))
          .isGreaterThanOrEqualTo(1);
      assertThat(metrics.sum("soldout_dependency_up", "dependency=\"kafka\"")).isEqualTo(1);
      assertThat(metrics.sum("kafka_streams_state", "state=\"RUNNING\"")).isEqualTo(1);
      assertThat(metrics.has("payment_retries_total")).isTrue();
      assertThat(metrics.has("payment_compensations_total")).isTrue();
      assertThat(metrics.has("resilience4j_circuitbreaker_state",
          "name=\"payment-gateway\"", "state=\"closed\"")).isTrue();
      assertThat(metrics.sum("resilience4j_circuitbreaker_calls_seconds_count",
          "name=\"payment-gateway\"", "kind=\"successful\"")).isGreaterThanOrEqualTo(PAYMENTS);
      assertThat(metrics.sum("hikaricp_connections_max", "pool=\"soldout-db\"")).isEqualTo(10);
      assertThat(metrics.has("hikaricp_connections_active")).isTrue();
      assertThat(metrics.has("hikaricp_connections_pending")).isTrue();
      assertThat(metrics.has("kafka_consumer_fetch_manager_records_lag",
          "topic=\"" + system.topics.paymentTry().name() + "\"")).isTrue();
      // Kafka's deprecated copy of each per-topic metric, under the name with underscores.
      assertThat(metrics.has("kafka_consumer_fetch_manager_records_lag",
          "topic=\"" + system.topics.paymentTry().name().replace('.', '_') + "\"")).isFalse();
      assertThat(metrics.has("kafka_stream_thread_process_rate")).isTrue();
      assertThat(metrics.has("http_request_duration_seconds_count")).isTrue();
      assertThat(metrics.has("jvm_memory_used_bytes")).isTrue();
    });
    return last.get();
  }

  @Test
  void the_scrape_passes_promtool_check_metrics() throws Exception {
    Path promtool = onPath("promtool");
    Assumptions.assumeTrue(promtool != null, "promtool is not on the PATH (Debian package"
        + " 'prometheus'); CI installs it, so this check runs there");
    // Once every source has reported, so that the whole scrape is checked.
    String text = awaitEverySeries().text();

    Process check = new ProcessBuilder(promtool.toString(), "check", "metrics")
        .redirectErrorStream(true).start();
    try (OutputStream in = check.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();

    List<String> findings = report.lines().filter(line -> !line.isBlank()).toList();
    assertThat(findings).as("promtool check metrics found problems:\n%s", report).isEmpty();
    assertThat(check.exitValue()).as(report).isZero();
  }

  private static Path onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
