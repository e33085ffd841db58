package dev.soldout.pg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.pg.sandbox.Charge;
import dev.soldout.pg.sandbox.Faults;
import dev.soldout.pg.sandbox.RunningSandbox;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PaymentGatewayClientTest {
  private final RunningSandbox pg = new RunningSandbox(11);
  private PaymentGatewayClient client = new PaymentGatewayClient(
      GatewaySettings.defaults(pg.baseUrl()).withOpenStateWait(Duration.ofMillis(300)));

  @AfterEach
  void stop() {
    client.close();
    pg.close();
  }

  private static <T> T result(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private void useClient(GatewaySettings settings) {
    client.close();
    client = new PaymentGatewayClient(settings);
  }

  @Test
  void anApprovedChargeCarriesThePgChargeId() {
    ChargeOutcome outcome = result(client.charge("tx-1", 5000, "u1"));

    Charge charge = pg.ledger.byIdempotencyKey("tx-1").orElseThrow();
    assertThat(outcome).isEqualTo(new ChargeOutcome.Approved(charge.chargeId()));
    assertThat(charge.amount()).isEqualTo(5000);
    assertThat(result(client.charge("tx-1", 5000, "u1"))).isEqualTo(outcome);
    assertThat(pg.ledger.all()).hasSize(1);
  }

  @Test
  void declinesAreFinalAndDoNotCountAgainstThePg() {
    pg.faults.set(new Faults(0, 0, 0, false, 1));

    List<ChargeOutcome> outcomes = IntStream.range(0, 12)
        .mapToObj(i -> result(client.charge("tx-" + i, 100, "u1"))).toList();

    assertThat(outcomes).containsOnly(new ChargeOutcome.Declined("CARD_DECLINED"));
    assertThat(client.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(client.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
  }

  @Test
  void aRequestThePgRejectsIsFinal() {
    result(client.charge("tx-1", 100, "u1"));

    ChargeOutcome reused = result(client.charge("tx-1", 999, "u1"));

    assertThat(reused).isInstanceOf(ChargeOutcome.Declined.class);
    assertThat(((ChargeOutcome.Declined) reused).reason()).startsWith("PG_REJECTED_409");
  }

  @Test
  void anOutageOpensTheBreakerAfterTheMinimumCallsThenFailsFastUntilItRecovers() {
    pg.faults.set(new Faults(0, 0, 0, true, 0));
    for (int i = 0; i < 10; i++) {
      assertThat(client.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      ChargeOutcome outcome = result(client.charge("tx-" + i, 100, "u1"));
      assertThat(outcome).isInstanceOf(Transient.class);
      assertThat(((Transient) outcome).reason()).startsWith("HTTP_503");
    }
    assertThat(client.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    pg.faults.set(Faults.NONE);

    // The PG is back, but the open breaker answers without asking it.
    assertThat(result(client.charge("tx-open", 100, "u1"))).isEqualTo(new Transient("CIRCUIT_OPEN"));
    assertThat(client.circuitBreaker().getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
    assertThat(pg.ledger.all()).isEmpty();

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(result(client.charge("tx-open", 100, "u1")))
            .isInstanceOf(ChargeOutcome.Approved.class));
  }

  @Test
  void aSlowPgIsATimeoutAndTheLateChargeIsFoundByReplay() {
    useClient(GatewaySettings.defaults(pg.baseUrl()).withCallTimeout(Duration.ofMillis(300)));
    pg.faults.set(new Faults(0, 0, 1000, false, 0));

    CompletionStage<ChargeOutcome> pending = client.charge("tx-slow", 100, "u1");

    assertThat(pending.toCompletableFuture()).isNotDone();
    assertThat(result(pending)).isEqualTo(new Transient("TIMEOUT"));
    await().atMost(Duration.ofSeconds(5)).until(() -> !pg.ledger.all().isEmpty());
    pg.faults.set(Faults.NONE);
    assertThat(result(client.charge("tx-slow", 100, "u1"))).isEqualTo(
        new ChargeOutcome.Approved(pg.ledger.byIdempotencyKey("tx-slow").orElseThrow().chargeId()));
  }

  @Test
  void aPgThatIsNotListeningIsTransient() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    useClient(GatewaySettings.defaults(URI.create("http://127.0.0.1:" + closedPort)));

    ChargeOutcome outcome = result(client.charge("tx-1", 100, "u1"));

    assertThat(((Transient) outcome).reason()).startsWith("CONNECTION_FAILED");
  }

  @Test
  void aFullBulkheadIsTransientWithoutBlamingThePg() {
    GatewaySettings d = GatewaySettings.defaults(pg.baseUrl());
    useClient(new GatewaySettings(d.baseUrl(), d.connectTimeout(), d.callTimeout(), 2,
        d.slidingWindowSize(), d.minimumNumberOfCalls(), d.failureRateThreshold(),
        d.slowCallThreshold(), d.slowCallRateThreshold(), d.openStateWait(), d.halfOpenCalls()));
    pg.faults.set(new Faults(0, 0, 1000, false, 0));

    List<ChargeOutcome> outcomes = IntStream.range(0, 5)
        .mapToObj(i -> client.charge("tx-" + i, 100, "u1")).toList()
        .stream().map(PaymentGatewayClientTest::result).toList();

    assertThat(outcomes).filteredOn(Transient.class::isInstance)
        .containsOnly(new Transient("BULKHEAD_FULL")).hasSize(3);
    assertThat(pg.ledger.all()).hasSize(2);
    assertThat(client.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
  }

  @Test
  void refundGivesBackAnApprovedChargeOnce() {
    ChargeOutcome.Approved approved =
        (ChargeOutcome.Approved) result(client.charge("tx-1", 5000, "u1"));

    RefundOutcome first = result(client.refund("tx-1"));
    RefundOutcome again = result(client.refund("tx-1"));

    assertThat(first).isEqualTo(new RefundOutcome.Refunded(approved.chargeId(), 5000));
    assertThat(again).isEqualTo(first);
    assertThat(pg.ledger.all()).singleElement()
        .extracting(Charge::refundedAmount).isEqualTo(5000L);
  }

  @Test
  void refundWithoutAnApprovedChargeHasNothingToDo() {
    pg.faults.set(new Faults(0, 0, 0, false, 1));
    result(client.charge("tx-declined", 5000, "u1"));

    assertThat(result(client.refund("tx-declined"))).isEqualTo(new RefundOutcome.NothingCharged());
    assertThat(result(client.refund("tx-never"))).isEqualTo(new RefundOutcome.NothingCharged());
  }

  @Test
  void aRefundBeforeALateChargeVoidsTheKeySoTheChargeIsRefusedWhenItLands() {
    assertThat(result(client.refund("tx-late"))).isEqualTo(new RefundOutcome.NothingCharged());

    ChargeOutcome late = result(client.charge("tx-late", 5000, "u1"));

    assertThat(late).isInstanceOf(ChargeOutcome.Declined.class);
    assertThat(((ChargeOutcome.Declined) late).reason()).startsWith("VOIDED");
    assertThat(pg.ledger.all()).singleElement().satisfies(charge -> {
      assertThat(charge.status()).isEqualTo(Charge.Status.VOIDED);
      assertThat(charge.amount() - charge.refundedAmount()).isZero();
    });
  }

  @Test
  void refundDuringAnOutageIsTransient() {
    result(client.charge("tx-1", 5000, "u1"));
    pg.faults.set(new Faults(0, 0, 0, true, 0));

    RefundOutcome outcome = result(client.refund("tx-1"));

    assertThat(((Transient) outcome).reason()).startsWith("HTTP_503");
    assertThat(pg.ledger.all()).singleElement().extracting(Charge::refundedAmount).isEqualTo(0L);
  }

  @Test
  void chargesRunConcurrentlyWithoutBlockingTheCaller() {
    pg.faults.set(new Faults(0, 0, 1500, false, 0));

    List<CompletableFuture<ChargeOutcome>> pending = IntStream.range(0, 100)
        .mapToObj(i -> client.charge("tx-" + i, 100, "u1").toCompletableFuture()).toList();

    assertThat(pending).noneMatch(CompletableFuture::isDone);
    assertThat(pending.stream().map(PaymentGatewayClientTest::result))
        .allMatch(ChargeOutcome.Approved.class::isInstance);
  }
}
