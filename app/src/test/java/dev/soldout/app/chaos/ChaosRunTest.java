package dev.soldout.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recovery measure alone, on made-up journeys. */
class ChaosRunTest {
  private static final FanLoad.Seat SEAT = new FanLoad.Seat("p", "A-1", 1);

  @Test
  void recovery_is_the_first_window_back_under_the_threshold_that_stays_there() {
    List<FanLoad.Journey> journeys = new ArrayList<>();
    // One fan every 200 ms for 60 s; from 10 s to 22 s they take 3 s, else 100 ms.
    for (long t = 0; t < 60_000; t += 200) {
      journeys.add(served(t, t >= 10_000 && t < 22_000 ? 3_000 : 100));
    }
    assertThat(ChaosRun.recovery(journeys, 10_000, 60_000, 200)).isEqualTo(12_000L);
  }

  @Test
  void an_error_counts_as_never_served_and_delays_recovery_past_it() {
    List<FanLoad.Journey> journeys = new ArrayList<>();
    for (long t = 0; t < 60_000; t += 200) {
      FanLoad.Journey j = served(t, 100);
      if (t == 12_000) {
        j.end(FanLoad.Journey.Outcome.HOLD_ERROR, t + 5);
      }
      journeys.add(j);
    }
    assertThat(ChaosRun.recovery(journeys, 10_000, 60_000, 200)).isEqualTo(3_000L);
    assertThat(ChaosRun.p99(List.of(1L, 2L, Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void no_recovery_when_the_load_ends_before_the_p99_comes_back() {
    List<FanLoad.Journey> journeys = new ArrayList<>();
    for (long t = 0; t < 30_000; t += 200) {
      journeys.add(served(t, t >= 10_000 ? 3_000 : 100));
    }
    assertThat(ChaosRun.recovery(journeys, 10_000, 30_000, 200)).isNull();
  }

  private static FanLoad.Journey served(long start, long latency) {
    FanLoad.Journey j = new FanLoad.Journey("f", SEAT, start);
    j.paymentTxId = "tx";
    j.finalStatus = "SUCCESS";
    j.end(FanLoad.Journey.Outcome.ACCEPTED, start + latency);
    return j;
  }
}
