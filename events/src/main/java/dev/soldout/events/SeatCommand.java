package dev.soldout.events;

import java.time.Instant;

/**
 * A command to the seat ledger, keyed by seat so that all claims on one seat are serialized:
 * CLAIM before the charge, CONFIRM when the payment succeeded, RELEASE when it failed.
 */
public record SeatCommand(
    Type type, String paymentTxId, String performanceId, String seatId, long fencingToken,
    Instant at) {

  public enum Type {
    CLAIM,
    CONFIRM,
    RELEASE
  }

  public SeatKey seat() {
    return new SeatKey(performanceId, seatId);
  }
}
