package dev.soldout.app.metrics;

import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.events.follow.TopicFollower;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Counts the committed transitions on payment.tx-state, by the status reached, and for each
 * transaction that ends (SUCCESS or CANCELLED) the time from its first try to that end. Read
 * from committed output, not counted inside the topology, whose processors may run twice for
 * one record under exactly-once. A batch this follower replays after a crash is counted again,
 * as is a cancelled transaction republished for a late charge: rare overcounts, never losses.
 */
final class TransitionMeters implements TopicFollower.BatchHandler<TxState> {
  private final Counter transitions;
  private final Histogram toTerminal;

  TransitionMeters(PrometheusRegistry registry) {
    transitions = Counter.builder()
        .name("payment_transitions_total")
        .help("Committed payment transaction transitions, by the status they reached")
        .labelNames("status")
        .register(registry);
    // From a fast success (a few hundred ms) to retries and compensation (tens of seconds).
    toTerminal = Histogram.builder()
        .name("event_processing_duration_seconds")
        .help("Time from a payment's first try to its end, by stage and outcome")
        .labelNames("stage", "outcome")
        .classicOnly()
        .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30)
        .register(registry);
    for (TxStatus status : TxStatus.values()) {
      transitions.initLabelValues(status.name());
      if (status.isTerminal()) {
        toTerminal.initLabelValues("try_to_terminal", status.name());
      }
    }
  }

  @Override
  public void apply(List<Map.Entry<String, TxState>> batch) {
    for (Map.Entry<String, TxState> entry : batch) {
      TxState state = entry.getValue();
      if (state == null || state.status() == null) {
        continue;
      }
      transitions.labelValues(state.status().name()).inc();
      if (state.isTerminal() && state.createdAt() != null && state.updatedAt() != null) {
        toTerminal.labelValues("try_to_terminal", state.status().name())
            .observe(Duration.between(state.createdAt(), state.updatedAt()).toNanos() / 1e9);
      }
    }
  }
}
