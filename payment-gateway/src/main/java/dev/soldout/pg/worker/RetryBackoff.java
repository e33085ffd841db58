package dev.soldout.pg.worker;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: attempt n waits at most {@code min(cap, base * 2^(n-1))},
 * the ceiling, and jitter spreads retries of many transactions that failed together (a PG
 * outage fails hundreds at once) so they do not come back as one wave.
 */
public final class RetryBackoff {

  public enum Jitter {
    /** Uniform in [0, ceiling]: the widest spread, retries may come at once. */
    FULL,
    /** Uniform in [ceiling/2, ceiling]: spread, with a guaranteed minimum pause. */
    EQUAL
  }

  private final long baseMillis;
  private final long capMillis;
  private final Jitter jitter;
  private final RandomGenerator random;

  /** Draws from {@code random} under a lock, so any generator may be shared by many threads. */
  public RetryBackoff(Duration base, Duration cap, Jitter jitter, RandomGenerator random) {
    if (base.toMillis() < 1 || cap.compareTo(base) < 0 || cap.toDays() > 365) {
      throw new IllegalArgumentException("need 1 ms <= base <= cap <= 365 days");
    }
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.jitter = jitter;
    this.random = random;
  }

  /** The longest wait after failed attempt {@code attempt} (1-based). */
  public Duration ceiling(int attempt) {
    return Duration.ofMillis(ceilingMillis(attempt));
  }

  /** A random wait after failed attempt {@code attempt} (1-based), never above the ceiling. */
  public Duration delay(int attempt) {
    long ceiling = ceilingMillis(attempt);
    long floor = jitter == Jitter.FULL ? 0 : ceiling - ceiling / 2;
    long spread;
    synchronized (random) {
      spread = random.nextLong(ceiling - floor + 1);
    }
    return Duration.ofMillis(floor + spread);
  }

  private long ceilingMillis(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1, got " + attempt);
    }
    int doublings = attempt - 1;
    // Shifting by as many bits as lead with zeros would overflow into the sign bit.
    if (doublings >= Long.numberOfLeadingZeros(baseMillis)) {
      return capMillis;
    }
    return Math.min(capMillis, baseMillis << doublings);
  }
}
