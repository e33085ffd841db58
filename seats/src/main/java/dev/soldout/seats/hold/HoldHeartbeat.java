package dev.soldout.seats.hold;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Beats the hold store's heartbeat at a third of the hold TTL, and checks every
 * {@value #SOLD_MARKS_EVERY_MS} ms that Redis still has its sold marks. Every instance beats:
 * extending a hold twice is harmless, and a hold keeps its seat while any instance lives.
 */
public final class HoldHeartbeat implements AutoCloseable {
  /** How long a Redis that restarted empty may go without its sold marks. */
  static final long SOLD_MARKS_EVERY_MS = 1_000;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "hold-heartbeat");
        thread.setDaemon(true);
        return thread;
      });

  private HoldHeartbeat() {}

  public static HoldHeartbeat start(HoldStore holds) {
    HoldHeartbeat heartbeat = new HoldHeartbeat();
    long every = holds.policy().heartbeatInterval().toMillis();
    heartbeat.timer.scheduleWithFixedDelay(holds::heartbeat, every, every, TimeUnit.MILLISECONDS);
    heartbeat.timer.scheduleWithFixedDelay(holds::restoreSoldMarks, 0, SOLD_MARKS_EVERY_MS,
        TimeUnit.MILLISECONDS);
    return heartbeat;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
