package dev.soldout.seats.queue;

import java.time.Duration;
import java.time.Instant;

/**
 * How a performance's waiting room runs: whether it is on, how many fans it admits per second,
 * how many may be admitted at once, how long an admission lasts, and when the sale opens (fans
 * who join before are shuffled, nobody is admitted before).
 */
public record QueuePolicy(
    String performanceId,
    boolean enabled,
    int admitPerSecond,
    int maxAdmitted,
    Duration session,
    Instant saleOpensAt) {

  /** The settings' defaults, for performances whose columns are NULL. */
  public record Defaults(boolean enabled, int admitPerSecond, int maxAdmitted, Duration session) {
    public Defaults {
      if (admitPerSecond <= 0 || maxAdmitted <= 0 || session.isNegative() || session.isZero()) {
        throw new IllegalArgumentException("queue rate, cap and session must be positive");
      }
    }
  }

  /** Far back a fan polls rarely; near the front (or the open) often, so admission shows fast. */
  static final long MIN_POLL_MS = 1_000;
  static final long MAX_POLL_MS = 60_000;

  /** The wait of the fan at {@code position} (1 = next): the time to the open, then the rate. */
  public long estimatedWaitMs(long position, Instant now) {
    long toOpen = Math.max(0, saleOpensAt.toEpochMilli() - now.toEpochMilli());
    return toOpen + (position - 1) * 1000 / admitPerSecond;
  }

  /**
   * When to ask again: half the estimated wait, between 1 s and 60 s. A fan far back costs a
   * poll a minute; the estimate is halved each time, so the fan is about on time at the front.
   */
  public static long pollAfterMs(long estimatedWaitMs) {
    return Math.max(MIN_POLL_MS, Math.min(MAX_POLL_MS, estimatedWaitMs / 2));
  }
}
