package dev.soldout.topology.saga;

import dev.soldout.events.PaymentTry;
import java.time.Instant;

/** What a transition asks the world to do; the processor turns each into an output record. */
public sealed interface Effect {
  /** Ask the seat ledger for the seat before any money moves. */
  record ClaimSeat() implements Effect {}

  /** Ask the payment worker to charge, for this attempt. */
  record Charge(int attempt) implements Effect {}

  /** Re-emit this attempt on payment.try once it is due. */
  record ScheduleRetry(PaymentTry next, Instant due) implements Effect {}

  /** The payment succeeded: the ledger marks the seat SOLD. */
  record ConfirmSeat() implements Effect {}

  /** The payment failed: the ledger frees the seat this transaction claimed. */
  record ReleaseSeat() implements Effect {}

  /** Start compensation: release the hold, refund at the PG if a charge may exist. */
  record Compensate(boolean refundNeeded) implements Effect {}
}
