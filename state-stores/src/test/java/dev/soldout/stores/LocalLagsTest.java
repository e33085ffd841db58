package dev.soldout.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LocalLagsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AtomicReference<Map<Integer, Long>> measured = new AtomicReference<>(Map.of());
  private final LocalLags lags = new LocalLags(measured::get, now::get, Duration.ofSeconds(1),
      Duration.ofSeconds(5), false);

  @Test
  void nothing_is_known_before_the_first_measurement() {
    assertThat(lags.of(0)).isEmpty();
    assertThat(lags.max()).isEmpty();
  }

  @Test
  void a_measurement_answers_per_partition_and_as_the_maximum() {
    measured.set(Map.of(0, 3L, 4, 120L));
    lags.refresh();

    assertThat(lags.of(0)).isEqualTo(OptionalLong.of(3));
    assertThat(lags.of(4)).isEqualTo(OptionalLong.of(120));
    assertThat(lags.of(1)).as("not a local partition").isEmpty();
    assertThat(lags.max()).isEqualTo(OptionalLong.of(120));
  }

  @Test
  void a_measurement_older_than_the_max_age_counts_as_unknown() {
    measured.set(Map.of(0, 0L));
    lags.refresh();
    now.addAndGet(5_001);

    assertThat(lags.of(0)).isEmpty();
  }

  @Test
  void a_failed_measurement_keeps_the_last_one_until_it_ages_out() {
    measured.set(Map.of(0, 7L));
    lags.refresh();
    measured.set(null);
    lags.refresh();

    assertThat(lags.of(0)).isEqualTo(OptionalLong.of(7));
  }
}
