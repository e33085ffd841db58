package dev.soldout.api.payment;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.soldout.events.FailureReason;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * GET /payments/{id}: what a polling client needs, including when to ask again and, for an
 * answer read from a standby or restoring copy during a rebalance, that it may trail the truth.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentView(
    String paymentTxId,
    TxStatus status,
    int attempts,
    Long retryAfterMs,
    String message,
    FailureReason reason,
    Reservation reservation,
    Boolean stale,
    Long staleByRecords) {

  /** The seat the payment is for, and whose; confirmed once the status is SUCCESS. */
  public record Reservation(String performanceId, String seatId, String holdId, String userId,
      long amount, boolean confirmed) {}

  /** Poll interval when nothing better is known: about one exactly-once commit round trip. */
  static final long DEFAULT_POLL_MS = 250;

  public static PaymentView of(TxState s, Instant now) {
    Long retryAfter = null;
    String message = s.message();
    if (s.status() == TxStatus.PENDING || s.status() == TxStatus.FAILED) {
      retryAfter = s.nextRetryAt() == null ? DEFAULT_POLL_MS
          : Math.max(DEFAULT_POLL_MS, Duration.between(now, s.nextRetryAt()).toMillis());
      message = (message == null ? "in progress" : message) + "; ask again in "
          + retryAfter + " ms, or with ?waitMs= to be answered as soon as it changes";
    }
    return new PaymentView(s.paymentTxId(), s.status(), s.attempts(), retryAfter, message,
        s.reason(), new Reservation(s.performanceId(), s.seatId(), s.holdId(), s.userId(), s.amount(),
            s.status() == TxStatus.SUCCESS), null, null);
  }

  /** The same answer, read from a copy that was {@code lagRecords} changelog records behind. */
  public PaymentView staleBy(long lagRecords) {
    return new PaymentView(paymentTxId, status, attempts, retryAfterMs, message, reason,
        reservation, true, lagRecords);
  }

  public boolean servedStale() {
    return Boolean.TRUE.equals(stale);
  }

  /** Retry-After in whole seconds, at least 1, for the answers that carry retryAfterMs. */
  public Integer retryAfterSeconds() {
    return retryAfterMs == null ? null : (int) Math.max(1, (retryAfterMs + 999) / 1000);
  }
}
