package dev.soldout.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * The state of one payment transaction, as the tx-state KTable holds it and payment.tx-state
 * publishes it. {@code version} grows by one per transition so projections can apply in order.
 */
public record TxState(
    String paymentTxId,
    TxStatus status,
    String holdId,
    String performanceId,
    String seatId,
    String userId,
    long amount,
    long fencingToken,
    int attempts,
    Instant nextRetryAt,
    String pgChargeId,
    FailureReason reason,
    String message,
    boolean seatClaimed,
    boolean charged,
    Instant createdAt,
    Instant updatedAt,
    long version) {

  @JsonIgnore
  public boolean isTerminal() {
    return status.isTerminal();
  }

  public SeatKey seat() {
    return new SeatKey(performanceId, seatId);
  }
}
