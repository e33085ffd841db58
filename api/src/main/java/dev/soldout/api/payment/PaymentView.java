package dev.soldout.api.payment;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.soldout.events.FailureReason;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.time.Duration;
import java.time.Instant;

/** GET /payments/{id}: what a polling client needs, including when to ask again. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentView(
    String paymentTxId,
    TxStatus status,
    int attempts,
    Long retryAfterMs,
    String message,
    FailureReason reason,
    Reservation reservation) {

  /** The seat the payment is for; confirmed once the status is SUCCESS. */
  public record Reservation(
      String performanceId, String seatId, String holdId, long amount, boolean confirmed) {}

  /** Poll interval when nothing better is known: about one exactly-once commit round trip. */
  static final long DEFAULT_POLL_MS = 250;

  public static PaymentView of(TxState s, Instant now) {
    Long retryAfter = null;
    if (s.status() == TxStatus.PENDING || s.status() == TxStatus.FAILED) {
      retryAfter = s.nextRetryAt() == null ? DEFAULT_POLL_MS
          : Math.max(DEFAULT_POLL_MS, Duration.between(now, s.nextRetryAt()).toMillis());
    }
    return new PaymentView(s.paymentTxId(), s.status(), s.attempts(), retryAfter, s.message(),
        s.reason(), new Reservation(s.performanceId(), s.seatId(), s.holdId(), s.amount(),
            s.status() == TxStatus.SUCCESS));
  }
}
