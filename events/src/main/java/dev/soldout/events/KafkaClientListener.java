package dev.soldout.events;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Hears of the Kafka clients a component opens, so that the app can watch them (consumer lag,
 * request rates) while the component knows no metrics library. The component closes the
 * returned watch just before it closes the client.
 */
public interface KafkaClientListener {
  /** A watch on one client; closing it stops watching and never fails. */
  interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  /** Watches nothing: for components run without metrics, as in most tests. */
  KafkaClientListener NONE = new KafkaClientListener() {
    @Override
    public Watch consumerOpened(Consumer<?, ?> consumer) {
      return () -> { };
    }

    @Override
    public Watch producerOpened(Producer<?, ?> producer) {
      return () -> { };
    }
  };

  Watch consumerOpened(Consumer<?, ?> consumer);

  Watch producerOpened(Producer<?, ?> producer);
}
