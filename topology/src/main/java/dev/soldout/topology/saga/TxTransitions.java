package dev.soldout.topology.saga;

import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.topology.saga.Effect.ClaimSeat;
import dev.soldout.topology.saga.Effect.Charge;
import dev.soldout.topology.saga.Effect.Compensate;
import dev.soldout.topology.saga.Effect.ConfirmSeat;
import dev.soldout.topology.saga.Effect.ReleaseSeat;
import dev.soldout.topology.saga.Effect.ScheduleRetry;
import dev.soldout.topology.saga.TxEvent.Compensated;
import dev.soldout.topology.saga.TxEvent.Failed;
import dev.soldout.topology.saga.TxEvent.RetryRequested;
import dev.soldout.topology.saga.TxEvent.SeatDecided;
import dev.soldout.topology.saga.TxEvent.Succeeded;
import dev.soldout.topology.saga.TxEvent.Tried;
import java.time.Instant;
import java.util.List;

/**
 * The payment state machine as a pure function: PENDING -> SUCCESS | FAILED -> CANCELLED.
 * Duplicates and late events never move a terminal state backwards; a charge that shows up after
 * the transaction failed is compensated with a refund.
 */
public final class TxTransitions {
  private final int maxAttempts;

  public TxTransitions(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.maxAttempts = maxAttempts;
  }

  public Transition apply(TxState current, TxEvent event, Instant now) {
    if (current == null) {
      return start(event, now);
    }
    return switch (current.status()) {
      case PENDING -> pending(current, event, now);
      case FAILED -> failed(current, event, now);
      case SUCCESS, CANCELLED -> afterEnd(current, event, now);
    };
  }

  /** Only a first attempt opens a transaction; anything else for an unknown id is an orphan. */
  private Transition start(TxEvent event, Instant now) {
    if (event instanceof Tried tried && tried.attempt().attempt() == 1) {
      return new Transition(TxStateChange.started(tried.attempt(), now), List.of(new ClaimSeat()));
    }
    throw new UnknownTransactionException(event);
  }

  private Transition pending(TxState s, TxEvent event, Instant now) {
    if (event instanceof Tried tried) {
      return retried(s, tried.attempt(), now);
    }
    if (event instanceof SeatDecided decided) {
      if (s.seatClaimed()) {
        return Transition.NONE;
      }
      if (decided.decision().granted()) {
        return new Transition(
            TxStateChange.of(s).seatClaimed(true).message("charging, attempt " + s.attempts())
                .at(now),
            List.of(new Charge(s.attempts())));
      }
      return fail(s, FailureReason.SEAT_TAKEN, decided.decision().message(), now);
    }
    // Money only moves after the seat is claimed: an outcome before that is not ours to trust.
    if (!s.seatClaimed() && (event instanceof Succeeded || event instanceof RetryRequested)) {
      return Transition.NONE;
    }
    if (event instanceof Succeeded succeeded) {
      return new Transition(
          TxStateChange.of(s).status(TxStatus.SUCCESS).charged(succeeded.success().pgChargeId())
              .nextRetryAt(null).message("paid: the seat is yours").at(now),
          List.of(new ConfirmSeat()));
    }
    if (event instanceof RetryRequested requested) {
      return retryRequested(s, requested, now);
    }
    if (event instanceof Failed failed) {
      return fail(s, failed.failure().reason(), failed.failure().message(), now);
    }
    return Transition.NONE;
  }

  /** A re-emitted attempt: charge again unless it is a duplicate of one already made. */
  private Transition retried(TxState s, PaymentTry attempt, Instant now) {
    if (attempt.attempt() != s.attempts() + 1 || s.nextRetryAt() == null) {
      return Transition.NONE;
    }
    return new Transition(
        TxStateChange.of(s).attempts(attempt.attempt()).nextRetryAt(null)
            .message("charging, attempt " + attempt.attempt()).at(now),
        List.of(new Charge(attempt.attempt())));
  }

  private Transition retryRequested(TxState s, RetryRequested requested, Instant now) {
    var retry = requested.retry();
    if (retry.attempt() != s.attempts() || s.nextRetryAt() != null) {
      return Transition.NONE;
    }
    if (retry.attempt() >= maxAttempts) {
      return fail(s, FailureReason.ATTEMPTS_EXHAUSTED,
          retry.attempt() + " attempts failed, last: " + retry.reason(), now);
    }
    Instant due = retry.notBefore().isAfter(now) ? retry.notBefore() : now;
    PaymentTry next = new PaymentTry(s.paymentTxId(), s.holdId(), s.performanceId(), s.seatId(),
        s.userId(), s.amount(), s.fencingToken(), retry.attempt() + 1, due);
    return new Transition(
        TxStateChange.of(s).nextRetryAt(due).message("retrying after: " + retry.reason()).at(now),
        List.of(new ScheduleRetry(next, due)));
  }

  /**
   * A failure releases the seat if this transaction claimed it, and always compensates: after a
   * timeout the PG may hold a charge we never heard of, so compensation asks the PG itself.
   */
  private Transition fail(TxState s, FailureReason reason, String message, Instant now) {
    List<Effect> effects = s.seatClaimed()
        ? List.of(new ReleaseSeat(), new Compensate(true))
        : List.of(new Compensate(s.charged()));
    return new Transition(TxStateChange.of(s).failed(reason, message).at(now), effects);
  }

  private Transition failed(TxState s, TxEvent event, Instant now) {
    if (event instanceof SeatDecided) {
      return releaseLateGrant(s, event);
    }
    if (event instanceof Compensated) {
      return new Transition(
          TxStateChange.of(s).status(TxStatus.CANCELLED).message(s.message() + "; compensated")
              .at(now), List.of());
    }
    return lateCharge(s, event, now);
  }

  private Transition afterEnd(TxState s, TxEvent event, Instant now) {
    if (s.status() == TxStatus.SUCCESS) {
      return Transition.NONE;
    }
    return event instanceof SeatDecided ? releaseLateGrant(s, event) : lateCharge(s, event, now);
  }

  /** A grant that arrives after the transaction failed frees the seat again at once. */
  private Transition releaseLateGrant(TxState s, TxEvent event) {
    boolean granted = ((SeatDecided) event).decision().granted();
    return granted && !s.seatClaimed()
        ? new Transition(null, List.of(new ReleaseSeat())) : Transition.NONE;
  }

  /** A success after the transaction failed means money moved for nothing: refund it. */
  private Transition lateCharge(TxState s, TxEvent event, Instant now) {
    if (event instanceof Succeeded succeeded && !s.charged()) {
      return new Transition(
          TxStateChange.of(s).charged(succeeded.success().pgChargeId()).at(now),
          List.of(new Compensate(true)));
    }
    return Transition.NONE;
  }
}
