package dev.soldout.pg.worker;

import static org.awaitility.Awaitility.await;

import dev.soldout.dlq.DeadLetterRecord;
import dev.soldout.events.ChargeRequest;
import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A fresh, prefixed set of the worker's topics on a real broker: writes charge requests (and
 * garbage), reads back every outcome event, and tells how far a group has committed.
 */
final class ChargeTopics implements AutoCloseable {
  static final int PARTITIONS = 6;

  /** One event the worker wrote: its topic and decoded value. */
  record Outcome(String topic, String paymentTxId, Object value) {}

  final Topics topics = Topics.withPrefix("pgw-" + UUID.randomUUID() + ".");
  private final String bootstrap;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> outcomes;
  private final List<Outcome> seen = new ArrayList<>();
  private final List<Future<RecordMetadata>> sent = new ArrayList<>();

  ChargeTopics(String bootstrap) throws ExecutionException, InterruptedException {
    this.bootstrap = bootstrap;
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    List<Topic<String, ?>> written = writtenByWorker();
    List<NewTopic> created = new ArrayList<>();
    created.add(new NewTopic(topics.paymentCharge().name(), PARTITIONS, (short) 1));
    written.forEach(t -> created.add(new NewTopic(t.name(), PARTITIONS, (short) 1)));
    created.add(new NewTopic(topics.dlq().name(), PARTITIONS, (short) 1));
    admin.createTopics(created).all().get();
    // The test's own writer needs no idempotence (the worker under test has its own): seen here
    // once, an idempotent batch answered NOT_LEADER_OR_FOLLOWER on a new partition then sat
    // unsent until its 120 s delivery timeout. One request in flight keeps the order.
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(), new ByteArraySerializer());
    // A topic is usable once every partition has a leader; writing earlier only spins retries.
    await().atMost(Duration.ofSeconds(30)).until(() -> created.stream().allMatch(topic ->
        producer.partitionsFor(topic.name()).stream().allMatch(p -> p.leader() != null)
            && producer.partitionsFor(topic.name()).size() == PARTITIONS));
    outcomes = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (Topic<String, ?> topic : written) {
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(topic.name(), p));
      }
    }
    outcomes.assign(partitions);
    outcomes.seekToBeginning(partitions);
  }

  private List<Topic<String, ?>> writtenByWorker() {
    return List.of(topics.paymentSuccess(), topics.paymentRetry(), topics.paymentFailure());
  }

  /** Everything on the DLQ topic so far, read back as dead letters. */
  List<DeadLetterRecord> deadLetters() {
    try (KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(topics.dlq().name(), p));
      }
      dlq.assign(partitions);
      dlq.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = dlq.endOffsets(partitions);
      List<DeadLetterRecord> letters = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (partitions.stream().anyMatch(tp -> dlq.position(tp) < ends.get(tp))
          && System.nanoTime() < deadline) {
        dlq.poll(Duration.ofMillis(200)).forEach(r -> letters.add(DeadLetterRecord.from(r)));
      }
      return letters;
    }
  }

  String bootstrap() {
    return bootstrap;
  }

  void send(ChargeRequest request) {
    Topic<String, ChargeRequest> topic = topics.paymentCharge();
    sendRaw(topic.keySerde().serializer().serialize(topic.name(), request.paymentTxId()),
        topic.valueSerde().serializer().serialize(topic.name(), request));
  }

  void sendRaw(byte[] key, byte[] value) {
    sent.add(producer.send(new ProducerRecord<>(topics.paymentCharge().name(), key, value)));
  }

  /** Waits until everything sent is written, failing if anything was not. */
  void flush() throws ExecutionException, InterruptedException, TimeoutException {
    producer.flush();
    for (Future<RecordMetadata> write : sent) {
      write.get(1, TimeUnit.SECONDS);
    }
    sent.clear();
  }

  /** Every outcome event so far, in the order read. */
  List<Outcome> outcomes() {
    for (ConsumerRecord<byte[], byte[]> record : outcomes.poll(Duration.ofMillis(100))) {
      Topic<String, ?> topic = writtenByWorker().stream()
          .filter(t -> t.name().equals(record.topic())).findFirst().orElseThrow();
      seen.add(new Outcome(record.topic(),
          topic.keySerde().deserializer().deserialize(record.topic(), record.key()),
          topic.valueSerde().deserializer().deserialize(record.topic(), record.value())));
    }
    return List.copyOf(seen);
  }

  Set<String> outcomeTxIds() {
    return Set.copyOf(outcomes().stream().map(Outcome::paymentTxId).toList());
  }

  /** Records of the charge topic the group has committed past, over all partitions. */
  long committed(String groupId) throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
  }

  @Override
  public void close() {
    outcomes.close();
    producer.close();
    admin.close();
  }
}
