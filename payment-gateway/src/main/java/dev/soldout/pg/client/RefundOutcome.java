package dev.soldout.pg.client;

/** What became of a refund: done, nothing to refund, or unknown for now (retry later). */
public sealed interface RefundOutcome permits RefundOutcome.Refunded,
    RefundOutcome.NothingCharged, Transient {

  /** The charge is refunded in full (now or by an earlier refund). */
  record Refunded(String chargeId, long amount) implements RefundOutcome {}

  /** The PG holds no approved charge under the paymentTxId: no money to give back. */
  record NothingCharged() implements RefundOutcome {}
}
