package dev.soldout.pg.client;

/** What became of a charge: approved, declined for good, or unknown for now (retry later). */
public sealed interface ChargeOutcome permits ChargeOutcome.Approved, ChargeOutcome.Declined,
    Transient {

  /** The PG took the money. */
  record Approved(String chargeId) implements ChargeOutcome {}

  /** The PG refused the charge; retrying the same charge will not change that. */
  record Declined(String reason) implements ChargeOutcome {}
}
