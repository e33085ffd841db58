package dev.soldout.app.metrics;

import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.stores.StoreNames;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Gauges read from this instance's Kafka Streams. */
final class StreamsGauges {
  private StreamsGauges() {}

  /** 1 for the current state, 0 for the others: alerts match a state, dashboards show it. */
  static void registerState(KafkaStreams streams, PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("kafka_streams_state")
        .help("1 for the current state of this instance's Kafka Streams, 0 for the others")
        .labelNames("state")
        .callback(callback -> {
          KafkaStreams.State current = streams.state();
          for (KafkaStreams.State state : KafkaStreams.State.values()) {
            callback.call(state == current ? 1 : 0, state.name());
          }
        })
        .register(registry);
  }

  /**
   * Transactions per status in the tx-state partitions this instance hosts as active: summed
   * over the instances, the total; all 0 while the store is not queryable (starting,
   * rebalancing, restoring). Counting reads and decodes every transaction in the store, so it
   * runs on a thread of its own every {@code every}, never inside a scrape: counted at each
   * scrape, a bench sampling /metrics once a second spent half the instance's CPU here. The
   * returned handle stops the counting.
   */
  static AutoCloseable registerTransactionStatus(KafkaStreams streams,
      PrometheusRegistry registry, Duration every) {
    Refreshed<Map<TxStatus, Long>> last = new Refreshed<>("tx-status-count", none(), every,
        () -> countByStatus(streams));
    GaugeWithCallback.builder()
        .name("payment_transactions")
        .help("Payment transactions per status in this instance's active tx-state partitions,"
            + " counted every " + every.toSeconds() + " s")
        .labelNames("status")
        .callback(callback -> last.get()
            .forEach((status, count) -> callback.call(count, status.name())))
        .register(registry);
    return last;
  }

  private static Map<TxStatus, Long> none() {
    Map<TxStatus, Long> counts = new EnumMap<>(TxStatus.class);
    for (TxStatus status : TxStatus.values()) {
      counts.put(status, 0L);
    }
    return counts;
  }

  private static Map<TxStatus, Long> countByStatus(KafkaStreams streams) {
    Map<TxStatus, Long> counts = none();
    try {
      ReadOnlyKeyValueStore<String, TxState> store = streams.store(
          StoreQueryParameters.fromNameAndType(
              StoreNames.TX_STATE, QueryableStoreTypes.<String, TxState>keyValueStore()));
      try (KeyValueIterator<String, TxState> all = store.all()) {
        while (all.hasNext()) {
          KeyValue<String, TxState> entry = all.next();
          counts.merge(entry.value.status(), 1L, Long::sum);
        }
      }
      return counts;
    } catch (InvalidStateStoreException | IllegalStateException notQueryable) {
      // Not running (IllegalStateException) or mid-rebalance: a partial count would look like
      // transactions vanishing. Report none instead.
      return none();
    }
  }
}
