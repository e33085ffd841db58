package dev.soldout.pg.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {

  private static List<FaultInjector.Plan> plans(long seed, Faults faults) {
    FaultInjector injector = new FaultInjector(new SplittableRandom(seed));
    injector.set(faults);
    return IntStream.range(0, 200).mapToObj(i -> injector.plan()).toList();
  }

  @Test
  void aSeedReplaysTheSameFaults() {
    Faults faults = new Faults(0.3, 0.2, 5, false, 0);

    assertThat(plans(1, faults)).isEqualTo(plans(1, faults));
    assertThat(plans(1, faults)).isNotEqualTo(plans(2, faults));
  }

  @Test
  void ratesShapeThePlans() {
    List<FaultInjector.Plan> plans = plans(1, new Faults(0.3, 0.2, 5, false, 0));

    assertThat(plans).allMatch(plan -> plan.delayMs() == 5);
    assertThat(plans).filteredOn(plan -> plan.failure() != null).hasSizeBetween(40, 80);
    assertThat(plans).filteredOn(FaultInjector.Plan::loseResponse).hasSizeBetween(15, 50);
    assertThat(plans(1, Faults.NONE)).containsOnly(new FaultInjector.Plan(0, null, false));
    assertThat(plans(1, new Faults(0, 0, 0, true, 0)))
        .containsOnly(new FaultInjector.Plan(0, "OUTAGE", false));
  }
}
