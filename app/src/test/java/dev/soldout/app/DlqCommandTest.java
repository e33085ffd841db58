package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.api.payment.PaymentIds;
import dev.soldout.devstack.TestServices;
import dev.soldout.events.Json;
import dev.soldout.events.PaymentSuccess;
import dev.soldout.seats.catalog.DemoCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dlq ops command against a running instance: poison written with a plain producer shows up
 * in {@code dlq list} with its reason; replayed unchanged it is dead-lettered again with the same
 * reason; replayed once its cause is gone (the transaction now exists) it is processed.
 * Runtime: about 15 s.
 */
class DlqCommandTest {
  private static LocalSoldout system;
  private static Settings settings;
  private static String prefix;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @BeforeAll
  static void start() throws Exception {
    system = LocalSoldout.start("dlqcmd", 20, 2);
    prefix = system.topics.dlq().name().replace("payment.dlq", "");
    settings = Settings.fromLayers(Map.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS",
        TestServices.kafkaBootstrap(), "TOPIC_PREFIX", prefix, "DATA_DIR", "target/no-dev-stack"));
    await().atMost(Duration.ofSeconds(60))
        .until(() -> system.api.get("/health/ready").status() == 200);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  private String dlq(int expectedExit, String... args) {
    printed.reset();
    int exit = DlqCommand.run(settings, args, out);
    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).as("%s printed:%n%s", String.join(" ", args), output)
        .isEqualTo(expectedExit);
    return output;
  }

  @Test
  void poison_is_listed_replayed_dead_lettered_again_or_processed_once_its_cause_is_gone()
      throws Exception {
    String user = "fan-9";
    String key = "key-" + UUID.randomUUID();
    String tx = PaymentIds.of(user, key);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(prefix + "payment.try", utf8("p-1"),
          utf8("not json"))).get(10, TimeUnit.SECONDS);
      // A success for a transaction that does not exist yet: an orphan, until it does.
      producer.send(new ProducerRecord<>(prefix + "payment.success", utf8(tx),
          Json.mapper().writeValueAsBytes(new PaymentSuccess(tx, 1, "ch_early", 165_000,
              Instant.now())))).get(10, TimeUnit.SECONDS);
    }

    await("both poison records listed").atMost(Duration.ofSeconds(30))
        .until(() -> dlq(0, "list").contains("2 of 2 DLQ record(s)"));
    assertThat(dlq(0, "list", "--reason", "serialization"))
        .contains("from " + prefix + "payment.try-", "tx p-1", "SerializationException",
            "1 of 2");
    assertThat(dlq(0, "list", "--tx", tx)).contains("from " + prefix + "payment.success-",
        "UnknownTransactionException", "1 of 2");

    assertThat(dlq(0, "replay", "--reason", "serialization", "--dry-run"))
        .contains("would replay", "0 replayed (dry run)");
    assertThat(dlq(2, "replay")).contains("needs a selection");

    // Replayed unchanged, the bad bytes fail again and come back with the same reason.
    String replayed = dlq(0, "replay", "--reason", "serialization");
    assertThat(replayed).contains("1 replayed, 0 failed");
    Matcher at = Pattern.compile("-> (\\S+)-(\\d+)@(\\d+)").matcher(replayed);
    assertThat(at.find()).isTrue();
    String source = at.group(1) + "-" + at.group(2) + "@" + at.group(3);
    await("the replayed record dead-lettered again").atMost(Duration.ofSeconds(30))
        .until(() -> dlq(0, "list").contains("3 of 3"));
    assertThat(dlq(0, "list", "--reason", "serialization"))
        .contains("from " + source, "(replayed from dlq ", "2 of 3");

    // The transaction now exists and succeeds; the early success, replayed, is processed.
    var hold = system.api.post("/holds", "{\"performanceId\":\""
        + DemoCatalog.PERFORMANCE_IDS.get(0) + "\",\"seatId\":\"A-1\",\"userId\":\"" + user
        + "\"}");
    var paid = system.api.post("/payments", "{\"holdId\":\"" + hold.text("holdId")
        + "\",\"userId\":\"" + user + "\",\"amount\":165000}", "Idempotency-Key", key);
    assertThat(paid.text("paymentTxId")).isEqualTo(tx);
    await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCESS".equals(
        system.api.get("/payments/" + tx).text("status")));
    String second = dlq(0, "replay", "--tx", tx);
    assertThat(second).contains("1 replayed");
    Matcher successAt = Pattern.compile("-> (\\S+)-(\\d+)@(\\d+)").matcher(second);
    assertThat(successAt.find()).isTrue();
    TopicPartition tp = new TopicPartition(successAt.group(1),
        Integer.parseInt(successAt.group(2)));
    long offset = Long.parseLong(successAt.group(3));
    String applicationId = prefix.substring(0, prefix.length() - 1);
    try (var admin = TopicsCommand.admin(TestServices.kafkaBootstrap())) {
      await("the topology committed past the replayed success").atMost(Duration.ofSeconds(30))
          .until(() -> {
            var committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(tp);
            return committed != null && committed.offset() > offset;
          });
    }
    assertThat(dlq(0, "list")).contains("3 of 3");
    assertThat(system.api.get("/payments/" + tx).text("status")).isEqualTo("SUCCESS");
  }

  @Test
  void bad_usage_exits_2() {
    assertThat(DlqCommand.run(settings, new String[] {}, out)).isEqualTo(2);
    assertThat(DlqCommand.run(settings, new String[] {"list", "--offsets"}, out)).isEqualTo(2);
    assertThat(DlqCommand.run(settings, new String[] {"list", "--dry-run"}, out)).isEqualTo(2);
    assertThat(DlqCommand.run(settings, new String[] {"--help"}, out)).isZero();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

}
