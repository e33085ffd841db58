package dev.soldout.events;

import java.time.Instant;

/** One payment attempt: attempt 1 comes from the API, later attempts from the retry scheduler. */
public record PaymentTry(
    String paymentTxId,
    String holdId,
    String performanceId,
    String seatId,
    String userId,
    long amount,
    long fencingToken,
    int attempt,
    Instant requestedAt) {

  public PaymentTry nextAttempt(Instant now) {
    return new PaymentTry(paymentTxId, holdId, performanceId, seatId, userId, amount, fencingToken,
        attempt + 1, now);
  }

  public SeatKey seat() {
    return new SeatKey(performanceId, seatId);
  }
}
