package dev.soldout.app.metrics;

import dev.soldout.stores.TxStatusTally;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.streams.KafkaStreams;

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
   * over the instances, the total. A task's transactions count from when it starts (after its
   * restoration) until it closes, so a rebalance never shows a partial store.
   */
  static void registerTransactionStatus(TxStatusTally tally, PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("payment_transactions")
        .help("Payment transactions per status in this instance's active tx-state partitions")
        .labelNames("status")
        .callback(callback -> tally.totals()
            .forEach((status, count) -> callback.call(count, status.name())))
        .register(registry);
  }
}
