package dev.soldout.api.payment;

import dev.soldout.events.KafkaClientListener;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes first attempts on payment.try. The 202 is sent only once the broker has the record
 * (acks=all, idempotent producer), so an accepted payment is never lost.
 */
public class PaymentRequests implements AutoCloseable {
  private final KafkaProducer<String, PaymentTry> producer;
  private final Topic<String, PaymentTry> topic;
  private final KafkaClientListener.Watch watch;

  public PaymentRequests(String bootstrapServers, Topic<String, PaymentTry> topic,
      KafkaClientListener clients) {
    this.topic = topic;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 2,
        // Bounded: when the cluster is down the fan gets a 503 within seconds, not a hang.
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000),
        topic.keySerde().serializer(), topic.valueSerde().serializer());
    this.watch = clients.producerOpened(producer);
  }

  public CompletableFuture<RecordMetadata> publish(PaymentTry attempt) {
    CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic.name(), attempt.paymentTxId(), attempt),
          (metadata, error) -> {
            if (error != null) {
              sent.completeExceptionally(error);
            } else {
              sent.complete(metadata);
            }
          });
    } catch (RuntimeException e) {
      sent.completeExceptionally(e);
    }
    return sent;
  }

  @Override
  public void close() {
    watch.close();
    producer.close(Duration.ofSeconds(5));
  }
}
