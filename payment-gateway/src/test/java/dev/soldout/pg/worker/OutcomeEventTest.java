package dev.soldout.pg.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.events.ChargeRequest;
import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentFailure;
import dev.soldout.events.PaymentRetry;
import dev.soldout.events.PaymentSuccess;
import dev.soldout.events.Topics;
import dev.soldout.pg.client.ChargeOutcome;
import dev.soldout.pg.client.Transient;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class OutcomeEventTest {
  private static final Topics TOPICS = Topics.withPrefix("t.");
  private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
  private static final ChargeRequest REQUEST =
      new ChargeRequest("tx-1", "u1", 5000, 2, NOW.minusSeconds(1));
  /** Equal jitter drawing its lowest value: attempt 2 waits exactly half of 2 s. */
  private static final RetryBackoff BACKOFF = new RetryBackoff(Duration.ofSeconds(1),
      Duration.ofSeconds(30), RetryBackoff.Jitter.EQUAL, () -> 0L);

  private static OutcomeEvent<?> eventFor(ChargeOutcome outcome) {
    return OutcomeEvent.of(TOPICS, REQUEST, outcome, BACKOFF, NOW);
  }

  @Test
  void approvedIsASuccessWithThePgChargeId() {
    OutcomeEvent<?> event = eventFor(new ChargeOutcome.Approved("ch_1"));

    assertThat(event.topic()).isEqualTo(TOPICS.paymentSuccess());
    assertThat(event.key()).isEqualTo("tx-1");
    assertThat(event.value()).isEqualTo(new PaymentSuccess("tx-1", 2, "ch_1", 5000, NOW));
  }

  @Test
  void declinedIsAPermanentFailure() {
    OutcomeEvent<?> event = eventFor(new ChargeOutcome.Declined("CARD_DECLINED"));

    assertThat(event.topic()).isEqualTo(TOPICS.paymentFailure());
    assertThat(event.value()).isEqualTo(
        new PaymentFailure("tx-1", 2, FailureReason.DECLINED, "CARD_DECLINED", NOW));
  }

  @Test
  void transientIsARetryAfterTheBackoffOfItsAttempt() {
    OutcomeEvent<?> event = eventFor(new Transient("TIMEOUT"));

    assertThat(event.topic()).isEqualTo(TOPICS.paymentRetry());
    assertThat(event.value()).isEqualTo(
        new PaymentRetry("tx-1", 2, "TIMEOUT", NOW.plusSeconds(1), NOW));
  }

  @Test
  void theProducerRecordUsesTheTopicsSerdes() {
    ProducerRecord<byte[], byte[]> record =
        eventFor(new ChargeOutcome.Approved("ch_1")).toProducerRecord();

    assertThat(record.topic()).isEqualTo("t.payment.success");
    assertThat(TOPICS.paymentSuccess().keySerde().deserializer().deserialize("t", record.key()))
        .isEqualTo("tx-1");
    assertThat(TOPICS.paymentSuccess().valueSerde().deserializer()
        .deserialize("t", record.value()))
        .isEqualTo(new PaymentSuccess("tx-1", 2, "ch_1", 5000, NOW));
  }
}
