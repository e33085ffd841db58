package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentRetry;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.SeatCommand;
import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which event reprocess sends for each place a transaction can be stuck at. */
class ReprocessPlanTest {
  private static final Topics TOPICS = Topics.withPrefix("t.");
  private static final Instant NOW = Instant.parse("2025-05-01T10:00:00Z");

  private static TxState state(TxStatus status, boolean claimed, Instant nextRetryAt,
      boolean charged) {
    return new TxState("tx-1", status, "hold-1", "perf-1", "A-1", "fan-1", 165_000, 42, 2,
        nextRetryAt, charged ? "ch_1" : null,
        status == TxStatus.FAILED ? FailureReason.ATTEMPTS_EXHAUSTED : null, "m", claimed,
        charged, NOW.minusSeconds(600), NOW.minusSeconds(400), 5);
  }

  private static <V> V value(ReprocessCommand.Redrive redrive, Topic<String, V> topic) {
    assertThat(redrive.record().topic()).isEqualTo(topic.name());
    return topic.valueSerde().deserializer().deserialize(topic.name(), redrive.record().value());
  }

  @Test
  void an_unanswered_seat_claim_is_claimed_again_keyed_by_seat() {
    var redrive = ReprocessCommand.plan(state(TxStatus.PENDING, false, null, false), TOPICS, NOW);

    SeatCommand claim = value(redrive, TOPICS.seatCommands());
    assertThat(redrive.record().key()).isEqualTo("perf-1/A-1");
    assertThat(claim.type()).isEqualTo(SeatCommand.Type.CLAIM);
    assertThat(claim.fencingToken()).isEqualTo(42);
  }

  @Test
  void a_due_retry_never_sent_is_sent_as_the_next_attempt() {
    var redrive = ReprocessCommand.plan(
        state(TxStatus.PENDING, true, NOW.minusSeconds(500), false), TOPICS, NOW);

    PaymentTry attempt = value(redrive, TOPICS.paymentTry());
    assertThat(attempt.attempt()).isEqualTo(3);
    assertThat(attempt.fencingToken()).isEqualTo(42);
  }

  @Test
  void an_unanswered_charge_is_a_retry_of_the_same_attempt() {
    var redrive = ReprocessCommand.plan(state(TxStatus.PENDING, true, null, false), TOPICS, NOW);

    PaymentRetry retry = value(redrive, TOPICS.paymentRetry());
    assertThat(retry.attempt()).isEqualTo(2);
    assertThat(retry.notBefore()).isEqualTo(NOW);
  }

  @Test
  void a_failed_transaction_is_compensated_again_never_charged_again() {
    var redrive = ReprocessCommand.plan(state(TxStatus.FAILED, true, null, false), TOPICS, NOW);

    PaymentCancel command = value(redrive, TOPICS.paymentCancel());
    assertThat(command.completed()).isFalse();
    assertThat(command.refundNeeded()).isTrue();
    assertThat(command.holdId()).isEqualTo("hold-1");
    assertThat(ReprocessCommand.plan(state(TxStatus.FAILED, false, null, false), TOPICS, NOW)
        .record().topic()).isEqualTo(TOPICS.paymentCancel().name());
  }

  @Test
  void a_finished_transaction_is_never_re_driven() {
    assertThatThrownBy(() -> ReprocessCommand.plan(state(TxStatus.SUCCESS, true, null, true),
        TOPICS, NOW)).isInstanceOf(IllegalArgumentException.class);
  }
}
