package dev.soldout.seats.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits fans: every instance runs one, but only the holder of a Redis lease ticks, so the
 * configured rate holds whatever the instance count. If the holder dies, its lease runs out and
 * another instance takes over within LEASE; the rate's allowance lives in Redis, so the new
 * holder admits neither a burst nor a gap. Every instance measures the queues for its metrics.
 */
public final class AdmissionTicker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdmissionTicker.class);

  /** Ten ticks a second: admissions are spread evenly, not one lump a second. */
  static final Duration TICK = Duration.ofMillis(100);
  /** A holder that misses about 20 ticks (a GC pause, a crash) loses the lease. */
  static final Duration LEASE = Duration.ofSeconds(2);
  private static final int MEASURE_EVERY_TICKS = 10;

  private final WaitingRoom room;
  private final Function<String, Optional<QueuePolicy>> policies;
  private final String holder = UUID.randomUUID().toString();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "queue-ticker");
    thread.setDaemon(true);
    return thread;
  });
  private long ticks;
  private volatile boolean leading;
  private long lastFailureLogNanos;

  private AdmissionTicker(WaitingRoom room, Function<String, Optional<QueuePolicy>> policies) {
    this.room = room;
    this.policies = policies;
  }

  /** @param policies a performance's policy, as {@link QueuePolicies#of} answers it */
  public static AdmissionTicker start(WaitingRoom room,
      Function<String, Optional<QueuePolicy>> policies) {
    AdmissionTicker ticker = new AdmissionTicker(room, policies);
    ticker.timer.scheduleWithFixedDelay(ticker::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    return ticker;
  }

  /** Whether this instance held the lease at its last tick. */
  public boolean leading() {
    return leading;
  }

  void tick() {
    try {
      boolean lead = room.lease(holder, LEASE.toMillis());
      if (lead != leading) {
        log.info("queue ticker: this instance {} the admission lease", lead ? "holds" : "lost");
      }
      leading = lead;
      boolean measure = ticks++ % MEASURE_EVERY_TICKS == 0;
      if (!lead && !measure) {
        return;
      }
      for (String performanceId : room.active()) {
        Optional<QueuePolicy> policy = policies.apply(performanceId);
        if (policy.isEmpty() || !policy.get().enabled()) {
          continue;
        }
        if (lead) {
          room.admit(policy.get());
        }
        if (measure) {
          room.measure(policy.get());
        }
      }
    } catch (RuntimeException e) {
      // Redis or the database is down: nobody is admitted meanwhile, and the stall alert fires.
      if (System.nanoTime() - lastFailureLogNanos > TimeUnit.SECONDS.toNanos(10)) {
        lastFailureLogNanos = System.nanoTime();
        log.warn("queue ticker: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
