package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.bench.OnSaleBench;
import dev.soldout.bench.Options;
import dev.soldout.bench.Target;
import dev.soldout.devstack.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The on-sale bench's smoke run in CI: a few hundred fans rush a small venue on one in-process
 * node, and the run must pass its invariant checks (no seat sold twice, every payment terminal,
 * the money adds up, projection and seat map agree). Speed is not asserted here.
 */
class OnSaleBenchSmokeTest {
  @Test
  void three_hundred_fans_sell_out_a_hundred_seats_and_every_invariant_holds() throws Exception {
    // One client address plays every fan: the per-address limit would refuse the rush.
    try (LocalSoldout system = LocalSoldout.start("bench-smoke", 10, 2,
        Map.of("RATE_LIMIT_PER_IP", "0"))) {
      await().atMost(Duration.ofSeconds(60))
          .until(() -> system.api.get("/health/ready").status() == 200);
      Settings s = system.settings;
      Target target = new Target(system.api.base(), "http://127.0.0.1:" + system.node.opsPort(),
          system.pg.base(), TestServices.kafkaBootstrap(), TestServices.redisUrl(),
          system.database, s.topicPrefix(), s.applicationId(), s.partitions(),
          s.replicationFactor(), s.commitIntervalMs(), s.auth());
      Path out = Files.createTempDirectory("bench-smoke");
      ByteArrayOutputStream printed = new ByteArrayOutputStream();

      OnSaleBench.Report report = new OnSaleBench(target, Options.defaults()
          .withFans(300, 100, 2).withoutCeilings(out),
          new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

      assertThat(report.violations()).as(printed.toString(StandardCharsets.UTF_8)).isEmpty();
      assertThat(report.passed()).isTrue();
      @SuppressWarnings("unchecked")
      Map<String, Object> results = (Map<String, Object>) report.data().get("results");
      assertThat(((Number) results.get("seatsSold")).longValue()).isEqualTo(100);
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> stages =
          (Map<String, Map<String, Object>>) report.data().get("paymentStages");
      assertThat(stages.get("total")).containsEntry("count", 100);
      assertThat(out.resolve("onsale-latest.json")).exists();
      assertThat(Files.readString(out.resolve("onsale-latest.md"))).contains("Invariants: **hold**");
    }
  }
}
