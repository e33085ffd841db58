package dev.soldout.app.chaos;

import dev.soldout.dlq.DeadLetterRecord;
import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Poison for every topic the saga's topology reads, written with a plain byte producer: bytes
 * that are not JSON, JSON of the wrong shape, and an oversized record (a JSON object 900 KB long,
 * still under the broker's 1 MB limit so that the DLQ copy with its headers fits too). Each must
 * come out on payment.dlq, found there by its source topic, partition and offset.
 *
 * <p>payment.charge is poisoned too, though only the payment worker reads it (a plain consumer,
 * not Streams): it logs and skips what it cannot read, so those records are reported apart.
 */
final class Poison {
  record Written(String topic, int partition, long offset, String what) {
    String where() {
      return topic + "-" + partition + "@" + offset;
    }
  }

  static final int OVERSIZED_BYTES = 900 * 1024;

  private final List<Written> written = new ArrayList<>();

  /** Writes the poison and returns how many records. */
  int write(String bootstrap, Topics topics) throws Exception {
    List<Topic<?, ?>> targets = List.of(topics.paymentTry(), topics.paymentSuccess(),
        topics.paymentRetry(), topics.paymentFailure(), topics.paymentCancel(),
        topics.seatCommands(), topics.seatDecisions(), topics.paymentCharge());
    byte[] oversized = new byte[OVERSIZED_BYTES];
    Arrays.fill(oversized, (byte) 'x');
    byte[] bigJson = ("{\"paymentTxId\":\"" + new String(oversized, StandardCharsets.US_ASCII)
        + "\"}").getBytes(StandardCharsets.US_ASCII);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Topic<?, ?> topic : targets) {
        send(producer, topic.name(), "not JSON", new byte[] {(byte) 0xff, 0, '{', '?'});
        send(producer, topic.name(), "wrong shape", utf8("[\"an\",\"array\"]"));
        send(producer, topic.name(), "oversized (" + bigJson.length + " bytes)", bigJson);
      }
    }
    return written.size();
  }

  private void send(KafkaProducer<byte[], byte[]> producer, String topic, String what,
      byte[] value) throws Exception {
    byte[] key = utf8("poison-" + UUID.randomUUID());
    RecordMetadata m = producer.send(new ProducerRecord<>(topic, key, value))
        .get(60, TimeUnit.SECONDS);
    written.add(new Written(topic, m.partition(), m.offset(), what));
  }

  List<Written> written() {
    return List.copyOf(written);
  }

  /** The poison records not (yet) on the DLQ. */
  List<Written> missingFrom(List<DeadLetterRecord> dlq) {
    Set<String> dead = new HashSet<>();
    for (DeadLetterRecord r : dlq) {
      dead.add(r.sourceTopic() + "-" + r.sourcePartition() + "@" + r.sourceOffset());
    }
    return written.stream().filter(w -> !dead.contains(w.where())).toList();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
