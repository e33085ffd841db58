package dev.soldout.pg.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** One charge as the sandbox PG stores and answers it; declineReason only when DECLINED. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Charge(
    String chargeId,
    String idempotencyKey,
    String userId,
    long amount,
    long refundedAmount,
    Status status,
    String declineReason,
    Instant createdAt) {

  public enum Status {
    APPROVED,
    DECLINED,
    /** Voided before any charge arrived: a later charge under the key is refused. */
    VOIDED
  }

  Charge fullyRefunded() {
    return new Charge(chargeId, idempotencyKey, userId, amount, amount, status, declineReason,
        createdAt);
  }
}
