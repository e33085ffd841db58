package dev.soldout.pg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.devstack.TestServices;
import dev.soldout.events.ChargeRequest;
import dev.soldout.events.PaymentFailure;
import dev.soldout.events.PaymentRetry;
import dev.soldout.events.PaymentSuccess;
import dev.soldout.pg.client.GatewaySettings;
import dev.soldout.pg.client.PaymentGatewayClient;
import dev.soldout.pg.sandbox.Charge;
import dev.soldout.pg.sandbox.Faults;
import dev.soldout.pg.sandbox.RunningSandbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PaymentWorkerKafkaTest {
  private final RunningSandbox pg = new RunningSandbox(5);
  private final PaymentGatewayClient client =
      new PaymentGatewayClient(GatewaySettings.defaults(pg.baseUrl()));
  private final ChargeTopics kafka;
  private final String group = "pgw-" + UUID.randomUUID();

  PaymentWorkerKafkaTest() throws Exception {
    kafka = new ChargeTopics(TestServices.kafkaBootstrap());
  }

  @AfterEach
  void stop() {
    kafka.close();
    client.close();
    pg.close();
  }

  private WorkerSettings settings(int maxInFlight) {
    return WorkerSettings.defaults(kafka.bootstrap(), kafka.topics).withGroupId(group)
        .withMaxInFlight(maxInFlight);
  }

  private List<String> sendRequests(int count) throws Exception {
    List<String> txIds = IntStream.range(0, count).mapToObj(i -> "tx-" + i).toList();
    txIds.forEach(id -> kafka.send(new ChargeRequest(id, "u-" + id, 1000, 1, Instant.now())));
    kafka.flush();
    return txIds;
  }

  @Test
  void everyRequestGetsTheOutcomeTheFaultsDictate() throws Exception {
    pg.faults.set(new Faults(0.2, 0, 0, false, 0.25));
    kafka.sendRaw("garbage".getBytes(StandardCharsets.UTF_8),
        "{not a charge".getBytes(StandardCharsets.UTF_8));
    List<String> txIds = sendRequests(120);

    try (PaymentWorker worker = PaymentWorker.start(settings(20), client)) {
      await().pollInSameThread().atMost(Duration.ofSeconds(60))
          .until(() -> kafka.outcomeTxIds().containsAll(txIds));
      // Every record, the undecodable one included, is committed: nothing is stuck.
      await().atMost(Duration.ofSeconds(30)).until(() -> kafka.committed(group) == 121);
    }
    // ... and the undecodable one is on the DLQ with its reason, as Streams would put it.
    assertThat(kafka.deadLetters()).singleElement().satisfies(letter -> {
      assertThat(letter.sourceTopic()).isEqualTo(kafka.topics.paymentCharge().name());
      assertThat(letter.message()).startsWith("not a charge request");
      assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{not a charge");
    });

    List<ChargeTopics.Outcome> outcomes = kafka.outcomes();
    assertThat(outcomes).hasSize(120);
    for (ChargeTopics.Outcome outcome : outcomes) {
      Optional<Charge> charge = pg.ledger.byIdempotencyKey(outcome.paymentTxId());
      if (outcome.value() instanceof PaymentSuccess success) {
        assertThat(charge).get().extracting(Charge::status, Charge::chargeId)
            .containsExactly(Charge.Status.APPROVED, success.pgChargeId());
        assertThat(success.amount()).isEqualTo(1000);
      } else if (outcome.value() instanceof PaymentFailure failure) {
        assertThat(charge).get().extracting(Charge::status).isEqualTo(Charge.Status.DECLINED);
        assertThat(failure.message()).isEqualTo("CARD_DECLINED");
      } else {
        PaymentRetry retry = (PaymentRetry) outcome.value();
        assertThat(charge).as("an injected error charges nothing").isEmpty();
        // Equal jitter on the default 2 s base: attempt 1 waits 1..2 s.
        assertThat(Duration.between(retry.at(), retry.notBefore()))
            .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
      }
    }
    assertThat(outcomes).extracting(ChargeTopics.Outcome::topic).contains(
        kafka.topics.paymentSuccess().name(), kafka.topics.paymentFailure().name(),
        kafka.topics.paymentRetry().name());
  }

  @Test
  void aWorkerKilledMidBatchIsReplayedWithoutChargingTwice() throws Exception {
    pg.faults.set(new Faults(0, 0, 300, false, 0.3));
    List<String> txIds = sendRequests(150);

    PaymentWorker first = PaymentWorker.start(settings(30).withCloseTimeout(Duration.ZERO), client);
    await().atMost(Duration.ofSeconds(60)).until(() -> pg.ledger.all().size() >= 40);
    first.close();
    long committed = kafka.committed(group);
    assertThat(committed).as("closed mid-batch").isLessThan(150);
    // Charges in flight at the close land at the PG: the next worker must replay them.
    await().atMost(Duration.ofSeconds(10)).until(() -> pg.ledger.all().size() > committed);

    try (PaymentWorker second = PaymentWorker.start(settings(30), client)) {
      await().pollInSameThread().atMost(Duration.ofSeconds(60))
          .until(() -> kafka.outcomeTxIds().containsAll(txIds));
      await().atMost(Duration.ofSeconds(30)).until(() -> kafka.committed(group) == 150);
    }

    assertOneChargeEachAndOutcomesMatchTheLedger(txIds);
  }

  @Test
  void aRebalanceMidBatchHandsOverWithoutChargingTwice() throws Exception {
    pg.faults.set(new Faults(0, 0, 200, false, 0.3));
    List<String> txIds = sendRequests(150);

    try (PaymentWorker first = PaymentWorker.start(settings(20), client)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> pg.ledger.all().size() >= 30);
      try (PaymentWorker second = PaymentWorker.start(settings(20), client)) {
        await().pollInSameThread().atMost(Duration.ofSeconds(60))
            .until(() -> kafka.outcomeTxIds().containsAll(txIds));
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.committed(group) == 150);
      }
    }

    assertOneChargeEachAndOutcomesMatchTheLedger(txIds);
  }

  private void assertOneChargeEachAndOutcomesMatchTheLedger(List<String> txIds) {
    assertThat(pg.ledger.all()).hasSize(txIds.size())
        .extracting(Charge::idempotencyKey).containsExactlyInAnyOrderElementsOf(txIds);
    Map<String, List<Object>> byTx = kafka.outcomes().stream().collect(Collectors.groupingBy(
        ChargeTopics.Outcome::paymentTxId,
        Collectors.mapping(ChargeTopics.Outcome::value, Collectors.toList())));
    assertThat(byTx.keySet()).containsExactlyInAnyOrderElementsOf(txIds);
    byTx.forEach((txId, events) -> {
      Charge charge = pg.ledger.byIdempotencyKey(txId).orElseThrow();
      // A replay may publish an outcome twice, but always the same one.
      assertThat(events).allSatisfy(event -> {
        if (charge.status() == Charge.Status.APPROVED) {
          assertThat(event).isInstanceOf(PaymentSuccess.class);
          assertThat(((PaymentSuccess) event).pgChargeId()).isEqualTo(charge.chargeId());
        } else {
          assertThat(event).isInstanceOf(PaymentFailure.class);
        }
      });
    });
  }
}
