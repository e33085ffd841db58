package dev.soldout.pg.compensation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.devstack.TestServices;
import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import dev.soldout.pg.client.GatewaySettings;
import dev.soldout.pg.client.PaymentGatewayClient;
import dev.soldout.pg.sandbox.Charge;
import dev.soldout.pg.sandbox.Faults;
import dev.soldout.pg.sandbox.RunningSandbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Compensation against the real sandbox PG and a real broker, with the PG failing half the time. */
class CompensationWorkerTest {
  private final Topic<String, PaymentCancel> topic =
      Topics.withPrefix("comp-" + UUID.randomUUID() + ".").paymentCancel();
  private final Set<String> releasedHolds = ConcurrentHashMap.newKeySet();
  private final Map<String, Boolean> refundedByTx = new ConcurrentHashMap<>();
  private RunningSandbox pg;
  private PaymentGatewayClient client;
  private KafkaProducer<String, PaymentCancel> producer;

  @BeforeEach
  void start() throws Exception {
    String bootstrap = TestServices.kafkaBootstrap();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic.name(), 1, (short) 1))).all().get();
      await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeTopics(List.of(topic.name()))
          .allTopicNames().get().get(topic.name()).partitions().get(0).leader() != null);
    }
    pg = new RunningSandbox(7);
    client = new PaymentGatewayClient(GatewaySettings.defaults(pg.baseUrl()));
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all"), topic.keySerde().serializer(),
        topic.valueSerde().serializer());
  }

  @AfterEach
  void stop() {
    producer.close();
    client.close();
    pg.close();
  }

  private static PaymentCancel command(String tx) {
    return new PaymentCancel(tx, "hold-" + tx, "perf-1", "seat-" + tx, 5_000,
        FailureReason.ATTEMPTS_EXHAUSTED, true, false, Instant.now());
  }

  @Test
  void every_command_is_refunded_or_voided_released_and_completed_once_despite_a_flaky_pg()
      throws Exception {
    List<String> charged = new ArrayList<>();
    List<String> neverCharged = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      charged.add("tx-charged-" + i);
      client.charge("tx-charged-" + i, 5_000, "fan").toCompletableFuture().join();
      neverCharged.add("tx-late-" + i);
    }
    pg.faults.set(new Faults(0.5, 0, 0, false, 0));
    List<Map.Entry<String, PaymentCancel>> batch = new ArrayList<>();
    charged.forEach(tx -> batch.add(new SimpleImmutableEntry<>(tx, command(tx))));
    neverCharged.forEach(tx -> batch.add(new SimpleImmutableEntry<>(tx, command(tx))));
    CompensationWorker worker = new CompensationWorker(client,
        (performanceId, seatId, holdId) -> releasedHolds.add(holdId), producer, topic,
        Clock.systemUTC(), (done, refunded) -> refundedByTx.put(done.paymentTxId(), refunded));

    worker.apply(batch);
    pg.faults.set(Faults.NONE);

    assertThat(pg.ledger.all()).hasSize(24).allSatisfy(charge ->
        assertThat(charge.amount() - charge.refundedAmount()).isZero());
    assertThat(pg.ledger.all()).filteredOn(c -> c.status() == Charge.Status.VOIDED).hasSize(12);
    assertThat(releasedHolds).hasSize(24);
    // A charge whose answer was lost and lands only now is refused: the key is void.
    assertThat(client.charge("tx-late-0", 5_000, "fan").toCompletableFuture().join().toString())
        .contains("VOIDED");
    assertThat(completions()).hasSize(24).allSatisfy(c -> assertThat(c.completed()).isTrue());
    // The listener hears every acknowledged completion, and which of them gave money back.
    assertThat(refundedByTx).hasSize(24);
    charged.forEach(tx -> assertThat(refundedByTx).containsEntry(tx, true));
    neverCharged.forEach(tx -> assertThat(refundedByTx).containsEntry(tx, false));
  }

  private List<PaymentCancel> completions() {
    try (KafkaConsumer<String, PaymentCancel> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      List<PaymentCancel> seen = new ArrayList<>();
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
        return seen.size() >= 24;
      });
      return seen;
    }
  }
}
