package dev.soldout.topology;

import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentFailure;
import dev.soldout.events.PaymentRetry;
import dev.soldout.events.PaymentSuccess;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.SeatCommand;
import dev.soldout.events.SeatDecision;
import java.time.Instant;

/** Event builders shared by the topology tests: one performance, amounts in minor units. */
public final class PaymentFixtures {
  public static final String PERFORMANCE = "perf-1";
  public static final long AMOUNT = 12_000;
  public static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private PaymentFixtures() {}

  public static PaymentTry attempt(String tx, String seat, long token, int attempt, Instant at) {
    return new PaymentTry(tx, "hold-" + tx, PERFORMANCE, seat, "user-" + tx, AMOUNT, token,
        attempt, at);
  }

  public static PaymentTry firstTry(String tx, String seat, long token) {
    return attempt(tx, seat, token, 1, T0);
  }

  public static SeatDecision granted(String tx) {
    return new SeatDecision(tx, true, "seat claimed", T0);
  }

  public static SeatDecision denied(String tx) {
    return new SeatDecision(tx, false, "another payment holds the seat", T0);
  }

  public static PaymentSuccess success(String tx, int attempt) {
    return new PaymentSuccess(tx, attempt, "ch-" + tx, AMOUNT, T0);
  }

  public static PaymentRetry retry(String tx, int attempt, Instant notBefore) {
    return new PaymentRetry(tx, attempt, "pg timeout", notBefore, T0);
  }

  public static PaymentFailure failure(String tx, int attempt, FailureReason reason) {
    return new PaymentFailure(tx, attempt, reason, "pg said " + reason, T0);
  }

  public static PaymentCancel completion(String tx, String seat, boolean refunded) {
    return new PaymentCancel(tx, "hold-" + tx, PERFORMANCE, seat, AMOUNT, null, refunded, true,
        T0);
  }

  public static SeatCommand seatCommand(SeatCommand.Type type, String tx, String seat,
      long token) {
    return new SeatCommand(type, tx, PERFORMANCE, seat, token, T0);
  }
}
