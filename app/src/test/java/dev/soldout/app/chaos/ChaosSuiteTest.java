package dev.soldout.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The full chaos suite (every scenario, 30 s faults, about 25 minutes), only with
 * {@code -Dchaos=full}: {@code mvn -B -o verify -pl app -am -Dtest=ChaosSuiteTest -Dchaos=full
 * -Dsurefire.failIfNoSpecifiedTests=false}. {@code -Dchaos.scenarios=a,b} picks some.
 * The report lands in app/target/chaos; {@code ./soldout chaos} writes chaos/results.
 */
@EnabledIfSystemProperty(named = "chaos", matches = "full")
class ChaosSuiteTest {
  @Test
  void every_scenario_keeps_every_invariant() throws Exception {
    ChaosSuite.Options options = ChaosSuite.Options.full();
    String chosen = System.getProperty("chaos.scenarios", "");
    if (!chosen.isBlank()) {
      options = options.withScenarios(List.of(chosen.split(",")));
    }
    options = new ChaosSuite.Options(options.scenarios(), options.instances(),
        options.outageMs(), options.timing(), options.seatsPerScenario(),
        Path.of("target", "chaos"), "full");
    List<ScenarioResult> results = ChaosSuite.run(options, "ChaosSuiteTest",
        new PrintStream(System.out, true, StandardCharsets.UTF_8));

    assertThat(results).hasSameSizeAs(options.scenarios());
    assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.scenario() + ": "
        + r.violations()).isTrue());
  }
}
