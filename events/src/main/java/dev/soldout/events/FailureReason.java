package dev.soldout.events;

/** Why a transaction failed for good. */
public enum FailureReason {
  /** The PG declined the charge. */
  DECLINED,
  /** The seat ledger gave the seat to another transaction, or the fencing token was stale. */
  SEAT_TAKEN,
  /** Every attempt allowed by PAYMENT_MAX_ATTEMPTS failed transiently. */
  ATTEMPTS_EXHAUSTED
}
