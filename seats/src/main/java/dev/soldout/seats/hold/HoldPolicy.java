package dev.soldout.seats.hold;

import java.time.Duration;

/**
 * The rules every hold follows, wherever it is kept.
 *
 * @param ttl how long a hold lives unless its payment keeps it alive
 * @param holdsPerFan live holds one fan may have per performance; 0 means no limit
 * @param maxLifetime the heartbeat stops extending a hold this old, so no payment, however
 *     stuck, keeps a seat for ever
 */
public record HoldPolicy(Duration ttl, int holdsPerFan, Duration maxLifetime) {
  public HoldPolicy {
    if (ttl.isNegative() || ttl.isZero() || holdsPerFan < 0 || maxLifetime.compareTo(ttl) < 0) {
      throw new IllegalArgumentException("bad hold policy: ttl " + ttl + ", holds per fan "
          + holdsPerFan + ", max lifetime " + maxLifetime);
    }
  }

  /** Holds of {@code ttl} without a per-fan limit, kept alive at most four TTLs. */
  public static HoldPolicy of(Duration ttl) {
    return new HoldPolicy(ttl, 0, ttl.multipliedBy(4));
  }

  /** The heartbeat runs at a third of the TTL: a hold survives two missed beats. */
  public Duration heartbeatInterval() {
    return ttl.dividedBy(3);
  }

  /** The lowest fencing token a hold taken at {@code nowMillis} may get (microseconds). */
  static long tokenFloor(long nowMillis) {
    return nowMillis * 1_000;
  }
}
