package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.seats.catalog.DemoCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The queue load run's smoke version in CI, through the command operators use: a few hundred
 * signed-in fans join one instance's waiting room around the sale's opening, are admitted at the
 * configured rate, and nobody who came after the open is placed ahead of an earlier fan. Speed
 * is not asserted here; `./soldout queue bench` measures it (docs/results/queue.md).
 */
class QueueBenchSmokeTest {
  @Test
  void fans_join_around_the_open_without_errors_and_keep_their_order() throws Exception {
    // One client address plays every fan: the per-address limit would refuse the run.
    try (LocalSoldout system = LocalSoldout.start("queue-bench", 10, 2,
        Map.of("RATE_LIMIT_PER_IP", "0"))) {
      await().atMost(Duration.ofSeconds(60))
          .until(() -> system.api.get("/health/ready").status() == 200);
      ByteArrayOutputStream printed = new ByteArrayOutputStream();

      int exit = QueueCommand.run(system.opsSettings(), new String[] {"bench", "--fans", "400",
          "--within", "2s", "--pre-open", "1s", "--measure", "2s", "--rate", "100",
          "--performance", DemoCatalog.PERFORMANCE_IDS.get(1), "--api", system.api.base()},
          new PrintStream(printed, true, StandardCharsets.UTF_8));

      String report = printed.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(report).isZero();
      assertThat(report).contains("join:   400 answers").containsPattern("join: .*, errors 0\n")
          .contains("0 placed ahead of a pre-open fan")
          .containsPattern("admission: [1-9][0-9.]*/s over 2 s");
    }
  }
}
