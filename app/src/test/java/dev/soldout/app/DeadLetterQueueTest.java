package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.devstack.TestServices;
import dev.soldout.dlq.DeadLetterRecord;
import dev.soldout.events.Json;
import dev.soldout.events.PaymentSuccess;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.Topics;
import dev.soldout.seats.catalog.DemoCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Poison on the saga's input topics goes to payment.dlq, once, with its original bytes and the
 * reason, and processing goes on (invariant 4 of the architecture).
 *
 * <p>One in-process instance (2 partitions, default commit interval) on the embedded broker. A
 * plain byte producer writes poison to payment.try and payment.success, spread over both
 * partitions: bytes that are not JSON, JSON of the wrong shape or with fields missing, a null
 * value, and well-formed events for a paymentTxId that was never opened. Then fans pay through
 * the API until each partition has carried a good payment after its poison.
 *
 * <p>Proves: each poison record is on payment.dlq (read_committed) with its key and value bytes
 * and the {@code __streams.errors.*} headers naming the exception, the source topic, partition
 * and offset; exactly one DLQ record per poison record, steady over time (nothing lost, nothing
 * duplicated); and the good payments reach SUCCESS on every partition (no partition stuck
 * behind its poison). Runtime: about 10-15 s.
 */
class DeadLetterQueueTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);
  private static final int PARTITIONS = 2;
  private static final String SERIALIZATION = "org.apache.kafka.common.errors.SerializationException";
  private static final String UNKNOWN_TX = "dev.soldout.topology.saga.UnknownTransactionException";
  private static final String NULL_VALUE = IllegalArgumentException.class.getName();

  /** One poison record as written, with where it landed and what the DLQ must say about it. */
  record Poison(String what, String topic, int partition, long offset, byte[] key, byte[] value,
      String exception, String messageContains) {}

  private static LocalSoldout system;
  private static Http api;
  private static String kafka;
  private static Topics topics;
  private static final List<Poison> poison = new ArrayList<>();
  /** Good payments made after the poison, by the partition their paymentTxId lands on. */
  private static final Map<Integer, String> goodByPartition = new HashMap<>();

  @BeforeAll
  static void startAnInstanceAndFeedItPoison() throws Exception {
    kafka = TestServices.kafkaBootstrap();
    system = LocalSoldout.start("dlq", 100, PARTITIONS);
    topics = system.topics;
    api = system.api;
    await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/health/ready").status() == 200);

    String tryTopic = topics.paymentTry().name();
    String successTopic = topics.paymentSuccess().name();
    String ghost = UUID.randomUUID().toString();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      send(producer, "bytes that are not JSON", tryTopic, 0, "p-1",
          new byte[] {(byte) 0xff, 0x00, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'},
          SERIALIZATION, "not a valid PaymentTry");
      send(producer, "a PaymentTry missing its fields", tryTopic, 1, "p-2",
          utf8("{\"paymentTxId\":\"p-2\",\"holdId\":\"h\"}"), SERIALIZATION,
          "not a valid PaymentTry");
      send(producer, "a JSON array where an object belongs", tryTopic, 0, "p-3",
          utf8("[1,2,3]"), SERIALIZATION, "not a valid PaymentTry");
      send(producer, "a null value", tryTopic, 1, "p-4", null, NULL_VALUE,
          "null value on " + tryTopic);
      send(producer, "a retry attempt of a transaction never opened", tryTopic, 0, ghost,
          Json.mapper().writeValueAsBytes(new PaymentTry(ghost, "h", PERFORMANCE, "A-1", "u",
              165_000, 7, 2, Instant.now())), UNKNOWN_TX, "no transaction was opened");
      send(producer, "bytes that are not JSON", successTopic, 1, "s-1", utf8("}{"),
          SERIALIZATION, "not a valid PaymentSuccess");
      send(producer, "a PaymentSuccess with a mistyped field and the rest missing", successTopic,
          0, "s-2", utf8("{\"paymentTxId\":\"s-2\",\"attempt\":\"first\"}"), SERIALIZATION,
          "not a valid PaymentSuccess");
      send(producer, "a null value", successTopic, 0, "s-3", null, NULL_VALUE,
          "null value on " + successTopic);
      send(producer, "a success for a transaction never opened", successTopic, 1, ghost,
          Json.mapper().writeValueAsBytes(new PaymentSuccess(ghost, 1, "ch_x", 165_000,
              Instant.now())), UNKNOWN_TX, "no transaction was opened");
    }

    // Good payments, until each partition has had one after its poison.
    for (int i = 1; i <= 20 && goodByPartition.size() < PARTITIONS; i++) {
      String seat = "A-" + i;
      String user = "fan-" + i;
      var hold = api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE + "\",\"seatId\":\""
          + seat + "\",\"userId\":\"" + user + "\"}");
      assertThat(hold.status()).as("hold %s: %s", seat, hold.body()).isEqualTo(201);
      var paid = api.post("/payments", "{\"holdId\":\"" + hold.text("holdId") + "\",\"userId\":\""
          + user + "\",\"amount\":165000}", "Idempotency-Key", hold.text("holdId"));
      assertThat(paid.status()).as("pay %s: %s", seat, paid.body()).isEqualTo(202);
      String tx = paid.text("paymentTxId");
      goodByPartition.putIfAbsent(partitionOf(tx), tx);
    }
    assertThat(goodByPartition).as("a good payment on each partition").hasSize(PARTITIONS);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void good_payments_after_the_poison_reach_SUCCESS_on_every_partition() {
    goodByPartition.forEach((partition, tx) -> await("payment on partition " + partition)
        .atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(api.get("/payments/" + tx).text("status")).isEqualTo("SUCCESS")));
  }

  @Test
  void every_poison_record_lands_on_the_dlq_with_its_original_bytes_and_the_reason() {
    Map<String, DeadLetterRecord> dlq = new HashMap<>();
    await("every poison record on the DLQ").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
          dlq.clear();
          for (DeadLetterRecord record : readDlq()) {
            dlq.put(record.sourceTopic() + "-" + record.sourcePartition() + "@"
                + record.sourceOffset(), record);
          }
          assertThat(dlq).hasSizeGreaterThanOrEqualTo(poison.size());
        });
    for (Poison p : poison) {
      DeadLetterRecord record = dlq.get(p.topic() + "-" + p.partition() + "@" + p.offset());
      assertThat(record).as("DLQ record for %s on %s", p.what(), p.topic()).isNotNull();
      assertThat(record.key()).as("key of %s", p.what()).isEqualTo(p.key());
      assertThat(record.value()).as("value of %s", p.what()).isEqualTo(p.value());
      assertThat(record.exception()).as("exception for %s", p.what()).isEqualTo(p.exception());
      assertThat(record.message()).as("message for %s", p.what())
          .contains(p.messageContains());
    }
  }

  @Test
  void the_dlq_holds_exactly_one_record_per_poison_record_and_stays_so() {
    Set<String> expected = new TreeSet<>();
    poison.forEach(p -> expected.add(p.topic() + "-" + p.partition() + "@" + p.offset()));
    // Stable for 3 s past the point where it first matched: no late duplicate shows up.
    await("one DLQ record per poison record").atMost(Duration.ofSeconds(30))
        .during(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          List<String> sources = readDlq().stream().map(r -> r.sourceTopic() + "-"
              + r.sourcePartition() + "@" + r.sourceOffset()).toList();
          assertThat(sources).hasSize(poison.size());
          assertThat(new TreeSet<>(sources)).isEqualTo(expected);
        });
  }

  // ---- helpers ----

  private static void send(KafkaProducer<byte[], byte[]> producer, String what, String topic,
      int partition, String key, byte[] value, String exception, String messageContains)
      throws Exception {
    byte[] keyBytes = utf8(key);
    RecordMetadata sent = producer.send(new ProducerRecord<>(topic, partition, keyBytes, value))
        .get(10, TimeUnit.SECONDS);
    poison.add(new Poison(what, topic, sent.partition(), sent.offset(), keyBytes, value,
        exception, messageContains));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The partition the default partitioner picks for a String key. */
  private static int partitionOf(String key) {
    return Utils.toPositive(Utils.murmur2(utf8(key))) % PARTITIONS;
  }

  private static List<DeadLetterRecord> readDlq() {
    return TopicRecords.readAll(kafka, topics.dlq().name(), "read_committed").stream()
        .map(DeadLetterRecord::from).toList();
  }
}
