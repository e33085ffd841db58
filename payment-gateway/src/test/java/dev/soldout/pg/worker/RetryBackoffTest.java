package dev.soldout.pg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryBackoffTest {
  private static final Duration BASE = Duration.ofMillis(100);
  private static final Duration CAP = Duration.ofSeconds(10);
  /** The generator's extremes: always the lowest draw, always the highest. */
  private static final RandomGenerator LOWEST = () -> 0L;
  private static final RandomGenerator HIGHEST = new RandomGenerator() {
    @Override
    public long nextLong() {
      return -1L;
    }

    @Override
    public long nextLong(long bound) {
      return bound - 1;
    }
  };

  @Test
  void ceilingDoublesFromBaseUpToCapAndStaysThereForAnyAttempt() {
    RetryBackoff backoff = new RetryBackoff(BASE, CAP, RetryBackoff.Jitter.FULL, LOWEST);

    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofMillis(6400));
    assertThat(backoff.ceiling(8)).isEqualTo(CAP);
    for (int attempt = 8; attempt < 200; attempt++) {
      assertThat(backoff.ceiling(attempt)).isEqualTo(CAP);
    }
    assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(CAP);
  }

  @Test
  void aLargeCapNeverOverflows() {
    Duration year = Duration.ofDays(365);
    RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(1), year, RetryBackoff.Jitter.FULL,
        HIGHEST);

    for (int attempt = 1; attempt < 100; attempt++) {
      assertThat(backoff.delay(attempt)).isPositive().isLessThanOrEqualTo(year);
    }
  }

  @ParameterizedTest
  @EnumSource(RetryBackoff.Jitter.class)
  void everyDelayLiesWithinItsJitterBounds(RetryBackoff.Jitter jitter) {
    RetryBackoff backoff = new RetryBackoff(BASE, CAP, jitter, new SplittableRandom(42));
    for (int attempt = 1; attempt <= 40; attempt++) {
      long ceiling = backoff.ceiling(attempt).toMillis();
      long floor = jitter == RetryBackoff.Jitter.FULL ? 0 : (ceiling + 1) / 2;
      for (int draw = 0; draw < 500; draw++) {
        assertThat(backoff.delay(attempt).toMillis()).isBetween(floor, ceiling);
      }
    }
  }

  @Test
  void theBoundsAreReachedExactly() {
    for (int attempt = 1; attempt <= 10; attempt++) {
      long ceiling = new RetryBackoff(BASE, CAP, RetryBackoff.Jitter.FULL, LOWEST)
          .ceiling(attempt).toMillis();
      assertThat(delay(RetryBackoff.Jitter.FULL, LOWEST, attempt)).isZero();
      assertThat(delay(RetryBackoff.Jitter.FULL, HIGHEST, attempt)).isEqualTo(ceiling);
      assertThat(delay(RetryBackoff.Jitter.EQUAL, LOWEST, attempt)).isEqualTo((ceiling + 1) / 2);
      assertThat(delay(RetryBackoff.Jitter.EQUAL, HIGHEST, attempt)).isEqualTo(ceiling);
    }
  }

  private static long delay(RetryBackoff.Jitter jitter, RandomGenerator random, int attempt) {
    return new RetryBackoff(BASE, CAP, jitter, random).delay(attempt).toMillis();
  }

  @Test
  void aSeedRepeatsTheSameDelays() {
    RetryBackoff one = new RetryBackoff(BASE, CAP, RetryBackoff.Jitter.FULL,
        new SplittableRandom(3));
    RetryBackoff two = new RetryBackoff(BASE, CAP, RetryBackoff.Jitter.FULL,
        new SplittableRandom(3));

    for (int attempt = 1; attempt < 20; attempt++) {
      assertThat(one.delay(attempt)).isEqualTo(two.delay(attempt));
    }
  }

  @Test
  void nonsenseIsRejected() {
    assertThatThrownBy(() -> new RetryBackoff(Duration.ZERO, CAP, RetryBackoff.Jitter.FULL, LOWEST))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryBackoff(CAP, BASE, RetryBackoff.Jitter.FULL, LOWEST))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryBackoff(BASE, CAP, RetryBackoff.Jitter.FULL, LOWEST)
        .delay(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
