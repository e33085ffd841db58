package dev.soldout.topology.saga;

import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.time.Instant;

/** Builds the next TxState from the current one; every change bumps the version once. */
final class TxStateChange {
  private final TxState from;
  private TxStatus status;
  private int attempts;
  private Instant nextRetryAt;
  private String pgChargeId;
  private FailureReason reason;
  private String message;
  private boolean seatClaimed;
  private boolean charged;

  private TxStateChange(TxState from) {
    this.from = from;
    this.status = from.status();
    this.attempts = from.attempts();
    this.nextRetryAt = from.nextRetryAt();
    this.pgChargeId = from.pgChargeId();
    this.reason = from.reason();
    this.message = from.message();
    this.seatClaimed = from.seatClaimed();
    this.charged = from.charged();
  }

  static TxStateChange of(TxState from) {
    return new TxStateChange(from);
  }

  static TxState started(PaymentTry first, Instant now) {
    return new TxState(first.paymentTxId(), TxStatus.PENDING, first.holdId(),
        first.performanceId(), first.seatId(), first.userId(), first.amount(),
        first.fencingToken(), first.attempt(), null, null, null, "waiting for the seat ledger",
        false, false, now, now, 1);
  }

  TxStateChange status(TxStatus value) {
    status = value;
    return this;
  }

  TxStateChange attempts(int value) {
    attempts = value;
    return this;
  }

  TxStateChange nextRetryAt(Instant value) {
    nextRetryAt = value;
    return this;
  }

  TxStateChange charged(String chargeId) {
    pgChargeId = chargeId;
    charged = true;
    return this;
  }

  TxStateChange failed(FailureReason why, String text) {
    status = TxStatus.FAILED;
    reason = why;
    message = text;
    nextRetryAt = null;
    return this;
  }

  TxStateChange message(String value) {
    message = value;
    return this;
  }

  TxStateChange seatClaimed(boolean value) {
    seatClaimed = value;
    return this;
  }

  TxState at(Instant now) {
    return new TxState(from.paymentTxId(), status, from.holdId(), from.performanceId(),
        from.seatId(), from.userId(), from.amount(), from.fencingToken(), attempts, nextRetryAt,
        pgChargeId, reason, message, seatClaimed, charged, from.createdAt(), now,
        from.version() + 1);
  }
}
