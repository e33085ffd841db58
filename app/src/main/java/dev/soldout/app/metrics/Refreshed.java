package dev.soldout.app.metrics;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value worked out on a thread of its own every so often, for gauges whose reading is too
 * slow or too costly for a scrape: a scrape reads the last value and never waits.
 */
final class Refreshed<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Refreshed.class);

  private final String name;
  private final Supplier<T> source;
  private final ScheduledExecutorService scheduler;
  private volatile T last;

  /** @param initial the value until the first refresh, which runs at once */
  Refreshed(String name, T initial, Duration every, Supplier<T> source) {
    this.name = name;
    this.source = source;
    this.last = initial;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleWithFixedDelay(this::refresh, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  T get() {
    return last;
  }

  private void refresh() {
    try {
      last = source.get();
    } catch (RuntimeException e) {
      // An exception would cancel the schedule, and the gauge would freeze on stale values.
      log.warn("{} failed: {}", name, e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
