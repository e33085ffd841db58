package dev.soldout.api.payment;

import static dev.soldout.api.http.JsonBody.required;

import dev.soldout.api.http.ApiException;
import dev.soldout.api.http.ErrorMapping;
import dev.soldout.api.http.JsonBody;
import dev.soldout.api.security.FanAuth;
import dev.soldout.api.status.StatusReader;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.TxStatus;
import dev.soldout.seats.catalog.Catalog;
import dev.soldout.seats.catalog.Seat;
import dev.soldout.seats.hold.Hold;
import dev.soldout.seats.hold.HoldStore;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * POST /payments: 202 + paymentTxId, or the replay of an earlier request with the same key.
 *
 * <p>The paymentTxId is derived from (userId, Idempotency-Key), so a replay is recognised by
 * looking the id up (here, or at its owner) before the hold is checked: after SUCCESS the hold
 * is gone, and a replay must still get its answer. Two replays racing past the lookup both
 * publish attempt 1 under the same id, and the state machine ignores the second.
 */
public class PaymentRoutes {
  private static final Logger log = LoggerFactory.getLogger(PaymentRoutes.class);

  record PaymentRequest(String holdId, String userId, Long amount) {}

  private final HoldStore holds;
  private final Catalog catalog;
  private final PaymentRequests requests;
  private final StatusReader status;
  private final Clock clock;

  public PaymentRoutes(HoldStore holds, Catalog catalog, PaymentRequests requests,
      StatusReader status, Clock clock) {
    this.holds = holds;
    this.catalog = catalog;
    this.requests = requests;
    this.status = status;
    this.clock = clock;
  }

  public void register(JavalinConfig config) {
    config.routes.post("/payments", this::accept);
  }

  private void accept(Context ctx) {
    PaymentRequest request = JsonBody.read(ctx, PaymentRequest.class);
    String holdId = required(request.holdId(), "holdId");
    String userId = FanAuth.fan(ctx, request.userId());
    if (request.amount() == null || request.amount() <= 0) {
      throw ApiException.badRequest("INVALID_AMOUNT", "amount must be a positive number");
    }
    String key = ctx.header("Idempotency-Key");
    String paymentTxId = PaymentIds.of(userId, key == null || key.isBlank() ? holdId : key);
    ctx.future(() -> status.read(paymentTxId, false, Duration.ZERO, ctx.header("Authorization"))
        .thenCompose(known -> {
          if (known instanceof StatusReader.Answer.Known k) {
            replay(ctx, k.view(), holdId, request.amount());
            return CompletableFuture.completedFuture(null);
          }
          // Unreadable (its owner is being replaced): a new payment must not wait for the
          // failover, and a replay that gets through is ignored by the state machine. Only a
          // missing hold is in doubt then: a finished payment has none, so ask again later.
          String unsure = known instanceof StatusReader.Answer.Unavailable u ? u.message() : null;
          return acceptNew(ctx, paymentTxId, holdId, userId, request.amount(), unsure);
        })
        .exceptionally(error -> {
          answerFailure(ctx, error instanceof CompletionException ? error.getCause() : error);
          return null;
        }));
  }

  /** The earlier request's answer; the same key with another body is refused. */
  private void replay(Context ctx, PaymentView earlier, String holdId, long amount) {
    PaymentView.Reservation r = earlier.reservation();
    if (r == null || !Objects.equals(r.holdId(), holdId) || r.amount() != amount) {
      throw new ApiException(422, "IDEMPOTENCY_KEY_REUSED",
          "this Idempotency-Key was used for another payment (hold or amount differ); "
              + "use a new key for a new payment");
    }
    String statusUrl = "/payments/" + earlier.paymentTxId();
    ctx.header("Location", statusUrl);
    if (earlier.status() == TxStatus.PENDING || earlier.status() == TxStatus.FAILED) {
      accepted(ctx, earlier.paymentTxId(), earlier.status(), earlier.retryAfterMs());
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("paymentTxId", earlier.paymentTxId());
    body.put("status", earlier.status() == TxStatus.SUCCESS ? "ALREADY_COMPLETED"
        : earlier.status().name());
    body.put("outcome", earlier.status());
    body.put("statusUrl", statusUrl);
    body.put("attempts", earlier.attempts());
    if (earlier.reason() != null) {
      body.put("reason", earlier.reason());
    }
    body.put("message", earlier.message());
    body.put("reservation", r);
    ctx.status(200).json(body);
  }

  /** @param unsure why the payment's state could not be read, or null if it is known new */
  private CompletableFuture<Void> acceptNew(Context ctx, String paymentTxId, String holdId,
      String userId, long amount, String unsure) {
    Hold hold = holds.find(holdId)
        .filter(h -> h.userId().equals(userId))
        .orElseThrow(() -> unsure != null
            ? ApiException.unavailable("PAYMENTS_UNAVAILABLE",
                "cannot tell yet whether this payment exists: " + unsure, 1)
            : ApiException.conflict("HOLD_INVALID",
                "hold " + holdId + " is missing, expired or not yours: hold the seat again"));
    long price = catalog.seat(hold.performanceId(), hold.seatId()).map(Seat::price).orElse(-1L);
    if (price != amount) {
      throw new ApiException(422, "AMOUNT_MISMATCH",
          "amount " + amount + " does not match the seat price " + price);
    }
    PaymentTry first = new PaymentTry(paymentTxId, holdId, hold.performanceId(), hold.seatId(),
        userId, amount, hold.fencingToken(), 1, clock.instant());
    return requests.publish(first).handle((sent, error) -> {
      if (error != null) {
        log.warn("payment.try not accepted by Kafka for {}: {}", paymentTxId, error.toString());
        ErrorMapping.answer(ctx, ApiException.unavailable("PAYMENTS_UNAVAILABLE",
            "payments cannot be accepted right now, try again shortly", 2));
        return null;
      }
      ctx.header("Location", "/payments/" + paymentTxId);
      accepted(ctx, paymentTxId, TxStatus.PENDING, PaymentView.DEFAULT_POLL_MS);
      return null;
    });
  }

  private static void accepted(Context ctx, String paymentTxId, TxStatus status,
      Long retryAfterMs) {
    long retryAfter = retryAfterMs == null ? PaymentView.DEFAULT_POLL_MS : retryAfterMs;
    ctx.status(202).header("Retry-After", Long.toString(Math.max(1, (retryAfter + 999) / 1000)))
        .json(Map.of("paymentTxId", paymentTxId, "status", status,
            "statusUrl", "/payments/" + paymentTxId, "retryAfterMs", retryAfter));
  }

  /** The route's failures, mapped as the one error mapping would map them if thrown. */
  private static void answerFailure(Context ctx, Throwable error) {
    if (error instanceof ApiException api) {
      ErrorMapping.answer(ctx, api);
    } else if (error instanceof JedisException) {
      log.warn("redis unavailable: {}", error.getMessage());
      ErrorMapping.answer(ctx, ApiException.unavailable("SEATS_UNAVAILABLE",
          "the seat service is unavailable, try again shortly", 1));
    } else {
      log.error("unexpected failure on POST /payments", error);
      ErrorMapping.answer(ctx, new ApiException(500, "INTERNAL", "unexpected error"));
    }
  }
}
