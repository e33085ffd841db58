package dev.soldout.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos suite's CI part: the whole stack (three brokers, Sentinel group, proxied database,
 * sandbox PG, two app instances) with two short scenarios, a PG outage of 10 s and a burst of
 * poison, each checked against every invariant. 1.5-2.5 minutes; the full suite is
 * {@code ./soldout chaos} or {@link ChaosSuiteTest}. The report lands in app/target/chaos.
 */
class ChaosSmokeTest {
  @Test
  @Timeout(300)
  void a_pg_outage_and_poison_break_no_invariant() throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    List<ScenarioResult> results = ChaosSuite.run(ChaosSuite.Options.smoke(
        List.of("pg-outage", "poison"), Path.of("target", "chaos")), "ChaosSmokeTest", out);

    assertThat(results).extracting(ScenarioResult::scenario)
        .containsExactly("pg-outage", "poison");
    for (ScenarioResult r : results) {
      assertThat(r.violations()).as(r.scenario()).isEmpty();
      assertThat(r.lost()).as(r.scenario() + " lost").isZero();
      assertThat(r.doubles()).as(r.scenario() + " doubles").isZero();
      assertThat(r.accepted()).as(r.scenario() + " accepted").isPositive();
      assertThat(r.passed()).as(r.scenario()).isTrue();
    }
    // The outage was felt: payments accepted during it were cancelled or waited for the PG.
    assertThat(results.get(0).cancelled() + results.get(0).succeeded())
        .isEqualTo(results.get(0).accepted());
  }
}
