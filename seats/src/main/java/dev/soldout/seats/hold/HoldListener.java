package dev.soldout.seats.hold;

/**
 * Hears how seat holds go and how long their Redis calls take, for metrics, so that HoldStore
 * knows no metrics library. Called on the fan's request thread: it must be quick.
 */
public interface HoldListener {
  /** How an attempt to hold a seat ended. */
  enum Attempt {
    HELD,
    /** Another fan holds the seat. */
    CONFLICT,
    SOLD,
    /** The fan already holds as many seats of the performance as allowed. */
    FAN_LIMIT
  }

  /** Hears nothing: for stores run without metrics, as in tests. */
  HoldListener NONE = new HoldListener() {
    @Override
    public void attempted(Attempt attempt, boolean fallback) {}

    @Override
    public void redisCall(String operation, long nanos) {}

    @Override
    public void expired(int holds) {}
  };

  /** An attempt ended; {@code fallback} when the database took it because Redis could not. */
  void attempted(Attempt attempt, boolean fallback);

  /** One Redis round trip of {@code operation} took {@code nanos}, whether it failed or not. */
  void redisCall(String operation, long nanos);

  /** {@code holds} holds expired without a payment keeping them alive. */
  void expired(int holds);
}
