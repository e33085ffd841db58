package dev.soldout.app.metrics;

import dev.soldout.events.KafkaClientListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Micrometer's Kafka binders on every Kafka client of the node: Streams (its consumers,
 * producers and admin) and the plain clients of the API, the workers and the followers. Kafka
 * adds metrics as partitions are assigned (the lag of each), so the binders look for new ones
 * every 10 s instead of Micrometer's 60 s, all on one shared thread.
 */
final class KafkaClientMeters implements KafkaClientListener, AutoCloseable {
  private static final Duration REFRESH = Duration.ofSeconds(10);

  private final MeterRegistry meters;
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "kafka-metrics");
        thread.setDaemon(true);
        return thread;
      });

  KafkaClientMeters(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public Watch consumerOpened(Consumer<?, ?> consumer) {
    KafkaClientMetrics binder = new KafkaClientMetrics(consumer, List.of(), refresher, REFRESH);
    binder.bindTo(meters);
    return binder::close;
  }

  @Override
  public Watch producerOpened(Producer<?, ?> producer) {
    KafkaClientMetrics binder = new KafkaClientMetrics(producer, List.of(), refresher, REFRESH);
    binder.bindTo(meters);
    return binder::close;
  }

  Watch streamsCreated(KafkaStreams streams) {
    KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, List.of(), refresher, REFRESH);
    binder.bindTo(meters);
    return binder::close;
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
