package dev.soldout.app.metrics;

import dev.soldout.events.KafkaClientListener;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentRetry;
import dev.soldout.pg.compensation.CompensationWorker;
import dev.soldout.pg.worker.PaymentWorker;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What the PG-facing workers produced: retries the payment worker scheduled, and compensations
 * completed. Counted where the events are produced, once Kafka acknowledged them, not in the
 * topology, whose processors may run twice for one committed record.
 */
final class WorkerMeters implements CompensationWorker.CompletionListener {
  private final Counter retries;
  private final Counter compensations;

  WorkerMeters(PrometheusRegistry registry) {
    retries = Counter.builder()
        .name("payment_retries_total")
        .help("PaymentRetry events the payment worker produced after a transient PG failure")
        .register(registry);
    compensations = Counter.builder()
        .name("payment_compensations_total")
        .help("Compensations completed; refunded=true when an approved charge was refunded")
        .labelNames("refunded")
        .register(registry);
    compensations.initLabelValues("true");
    compensations.initLabelValues("false");
  }

  PaymentWorker.Observers paymentWorker(KafkaClientListener clients) {
    return new PaymentWorker.Observers(clients, event -> {
      if (event.value() instanceof PaymentRetry) {
        retries.inc();
      }
    });
  }

  @Override
  public void completed(PaymentCancel completion, boolean refunded) {
    compensations.labelValues(Boolean.toString(refunded)).inc();
  }
}
