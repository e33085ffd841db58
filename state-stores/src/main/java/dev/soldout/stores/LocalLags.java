package dev.soldout.stores;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far each local copy of the tx-state store (active, restoring or standby) trails its
 * changelog. {@link KafkaStreams#allLocalStorePartitionLags()} asks the broker for end offsets,
 * a blocking call, so it runs here in the background and a status query only reads the last
 * measurement; one older than {@code maxAge} counts as unknown (the broker may be away).
 */
public class LocalLags implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalLags.class);

  private record Measured(Map<Integer, Long> byPartition, long atMillis) {}

  private final Supplier<Map<Integer, Long>> measure;
  private final LongSupplier clockMillis;
  private final Duration maxAge;
  private final ScheduledExecutorService timer;
  private volatile Measured last = new Measured(Map.of(), Long.MIN_VALUE / 2);

  LocalLags(Supplier<Map<Integer, Long>> measure, LongSupplier clockMillis, Duration every,
      Duration maxAge, boolean background) {
    this.measure = measure;
    this.clockMillis = clockMillis;
    this.maxAge = maxAge;
    if (background) {
      this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tx-state-lags");
        t.setDaemon(true);
        return t;
      });
      timer.scheduleWithFixedDelay(this::refresh, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      this.timer = null;
    }
  }

  /** Measures every {@code every} in the background until closed. */
  public static LocalLags start(KafkaStreams streams, Duration every) {
    return new LocalLags(() -> measure(streams), System::currentTimeMillis, every,
        every.multipliedBy(5), true);
  }

  private static Map<Integer, Long> measure(KafkaStreams streams) {
    if (!streams.state().isRunningOrRebalancing()) {
      return Map.of();
    }
    Map<Integer, LagInfo> lags = streams.allLocalStorePartitionLags()
        .getOrDefault(StoreNames.TX_STATE, Map.of());
    Map<Integer, Long> byPartition = new HashMap<>();
    lags.forEach((partition, lag) -> byPartition.put(partition, lag.offsetLag()));
    return byPartition;
  }

  void refresh() {
    try {
      last = new Measured(Map.copyOf(measure.get()), clockMillis.getAsLong());
    } catch (RuntimeException e) {
      // Keep the old measurement: it ages out on its own, and stale reads stop with it.
      log.debug("could not measure the tx-state lags: {}", e.toString());
    }
  }

  /** The lag of one local partition, or empty when unknown (not local, or not measured lately). */
  public OptionalLong of(int partition) {
    Measured m = fresh();
    Long lag = m == null ? null : m.byPartition().get(partition);
    return lag == null ? OptionalLong.empty() : OptionalLong.of(lag);
  }

  /** The largest lag over the local partitions: what a read whose partition is unknown risks. */
  public OptionalLong max() {
    Measured m = fresh();
    if (m == null || m.byPartition().isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(m.byPartition().values().stream().mapToLong(Long::longValue).max()
        .orElseThrow());
  }

  private Measured fresh() {
    Measured m = last;
    return clockMillis.getAsLong() - m.atMillis() > maxAge.toMillis() ? null : m;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
