package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.devstack.TestServices;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.events.PaymentTry;
import dev.soldout.seats.catalog.DemoCatalog;
import dev.soldout.topology.PaymentTopology;
import dev.soldout.topology.StreamsSettings;
import dev.soldout.topology.TopicProvisioner;
import dev.soldout.topology.TopologySettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reprocess ops command on a transaction that really got stuck: the payment worker was down
 * while its charge request was written, and its group then started from the latest offset (an
 * offset reset, a lost record), so the charge is never made nor answered and the transaction
 * stays PENDING with its seat claimed. The sandbox PG's faults cannot do this: a down or silent
 * PG only ever ends in a retry, then ATTEMPTS_EXHAUSTED and compensation. Runtime: about 20 s.
 */
class ReprocessCommandTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);
  private static LocalSoldout system;
  private static Settings ops;
  private static String tx;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @BeforeAll
  static void start() throws Exception {
    system = LocalSoldout.start("reprocess", 20, 1, TestServices.redisUrl(),
        ReprocessCommandTest::chargeRequestedWhileTheWorkerIsDown);
    ops = system.opsSettings();
    await().atMost(Duration.ofSeconds(60))
        .until(() -> system.api.get("/health/ready").status() == 200);
  }

  /**
   * The topology alone (no worker) takes a first attempt as the API writes it, up to its charge
   * request; then the worker's group is committed at the end of payment.charge.
   */
  private static void chargeRequestedWhileTheWorkerIsDown(Settings settings) {
    String kafka = TestServices.kafkaBootstrap();
    Topics topics = Topics.withPrefix(settings.topicPrefix());
    Properties config = StreamsSettings.base(kafka, settings.applicationId(),
        settings.stateDir(), "127.0.0.1:" + settings.apiPort(), settings.commitIntervalMs(), 1, 1,
        0, topics);
    tx = "stuck-" + UUID.randomUUID();
    try (KafkaStreams streams = new KafkaStreams(PaymentTopology.build(topics,
            new TopologySettings(3, Duration.ofMillis(100)), config), config);
        KafkaProducer<String, PaymentTry> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.ACKS_CONFIG, "all"),
            topics.paymentTry().keySerde().serializer(),
            topics.paymentTry().valueSerde().serializer());
        var admin = TopicsCommand.admin(kafka)) {
      TopicProvisioner.ensure(kafka, topics, new TopicProvisioner.Layout(1, (short) 1, 1));
      streams.start();
      Instant now = Instant.now();
      producer.send(new ProducerRecord<>(topics.paymentTry().name(), tx, new PaymentTry(tx,
          "hold-" + tx, PERFORMANCE, "A-1", "fan-1", 165_000,
          now.toEpochMilli() * 1_000, 1, now))).get(10, TimeUnit.SECONDS);
      await("the seat claimed and the charge requested").atMost(Duration.ofSeconds(60))
          .until(() -> {
            TxState s = snapshot(topics, tx);
            return s != null && s.seatClaimed();
          });
      streams.close(CloseOptions.timeout(Duration.ofSeconds(10))
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      TopicPartition charges = new TopicPartition(topics.paymentCharge().name(), 0);
      long end = admin.listOffsets(Map.of(charges, OffsetSpec.latest())).all()
          .get(10, TimeUnit.SECONDS).get(charges).offset();
      admin.alterConsumerGroupOffsets(settings.applicationId() + "-payment-worker",
          Map.of(charges, new OffsetAndMetadata(end))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static TxState snapshot(Topics topics, String id) {
    return TopicSnapshot.read(TestServices.kafkaBootstrap(), topics.txState().name(),
        topics.txState().keySerde().deserializer(), topics.txState().valueSerde().deserializer())
        .get(id);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  private String reprocess(String... args) {
    printed.reset();
    int exit = ReprocessCommand.run(ops, args, out);
    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).as("reprocess %s printed:%n%s", String.join(" ", args), output).isZero();
    return output;
  }

  private static TxState state(String id) {
    return snapshot(system.topics, id);
  }

  private static int charges(String id) {
    return system.pg.get("/v1/charges?idempotencyKey=" + id).body().size();
  }

  @Test
  void a_charge_never_answered_is_re_driven_to_SUCCESS_once_and_a_second_run_changes_nothing()
      throws Exception {
    await("stuck: PENDING, nothing charged").during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5)).until(() -> state(tx).status() == TxStatus.PENDING
            && state(tx).seatClaimed() && charges(tx) == 0);
    TxState stuck = state(tx);

    assertThat(reprocess("--older-than", "1h")).contains("0 stuck");
    assertThat(reprocess("--older-than", "0s", "--dry-run"))
        .contains("[1/1] " + tx + " PENDING", "retry attempt 1", "(dry run)");
    assertThat(state(tx).version()).isEqualTo(stuck.version());

    assertThat(reprocess("--older-than", "0s", "--tx", tx))
        .contains("1 stuck, 1 re-driven", ".payment.retry-0@");
    await("the re-driven payment succeeds").atMost(Duration.ofSeconds(30))
        .until(() -> state(tx).status() == TxStatus.SUCCESS);
    TxState done = state(tx);
    assertThat(done.attempts()).isEqualTo(2);
    var ledger = system.pg.get("/v1/charges?idempotencyKey=" + tx).body();
    assertThat(ledger).hasSize(1);
    assertThat(ledger.get(0).path("status").asText()).isEqualTo("APPROVED");

    // A second run finds nothing; the first run's event sent again, as a second operator
    // working from the stale snapshot would, is ignored by the state machine.
    assertThat(reprocess("--older-than", "0s")).contains("0 stuck");
    RecordMetadata again;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
      again = producer.send(ReprocessCommand.plan(stuck, system.topics, Instant.now()).record())
          .get(10, TimeUnit.SECONDS);
    }
    try (var admin = TopicsCommand.admin(TestServices.kafkaBootstrap())) {
      TopicPartition tp = new TopicPartition(again.topic(), again.partition());
      await("the topology consumed the repeated re-drive").atMost(Duration.ofSeconds(30))
          .until(() -> {
            var committed = admin.listConsumerGroupOffsets(ops.applicationId())
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(tp);
            return committed != null && committed.offset() > again.offset();
          });
    }
    assertThat(state(tx)).isEqualTo(done);
    assertThat(charges(tx)).isEqualTo(1);
    assertThat(system.pg.get("/v1/charges?idempotencyKey=" + tx).body().get(0)
        .path("refundedAmount").asLong()).isZero();
  }

  @Test
  void help_exits_0_and_bad_usage_exits_2() {
    assertThat(ReprocessCommand.run(ops, new String[] {"--help"}, out)).isZero();
    assertThat(ReprocessCommand.run(ops, new String[] {"--older-than"}, out)).isEqualTo(2);
    assertThat(ReprocessCommand.run(ops, new String[] {"--since", "yesterday"}, out))
        .isEqualTo(2);
    assertThat(ReprocessCommand.run(ops, new String[] {"--bogus", "1"}, out)).isEqualTo(2);
  }
}
