package dev.soldout.app.metrics;

import dev.soldout.dlq.DeadLetterRecord;
import dev.soldout.events.follow.TopicFollower;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;

/** Counts the committed records on payment.dlq by the topic they were read from. */
final class DeadLetterMeters implements TopicFollower.BatchHandler<DeadLetterRecord> {
  /** For a record whose headers do not name its source: it still went to the DLQ. */
  private static final String UNKNOWN = "unknown";

  private final Counter records;

  DeadLetterMeters(PrometheusRegistry registry) {
    records = Counter.builder()
        .name("payment_dlq_records_total")
        .help("Records Kafka Streams gave up on and wrote to payment.dlq, by source topic")
        .labelNames("source_topic")
        .register(registry);
  }

  @Override
  public void apply(List<Map.Entry<String, DeadLetterRecord>> batch) {
    for (Map.Entry<String, DeadLetterRecord> entry : batch) {
      DeadLetterRecord record = entry.getValue();
      String source = record == null || record.sourceTopic() == null
          ? UNKNOWN : record.sourceTopic();
      records.labelValues(source).inc();
    }
  }
}
