package dev.soldout.api.payment;

import static dev.soldout.api.http.JsonBody.required;

import dev.soldout.api.http.ApiException;
import dev.soldout.api.http.ErrorMapping;
import dev.soldout.api.http.JsonBody;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.TxStatus;
import dev.soldout.seats.catalog.Catalog;
import dev.soldout.seats.catalog.Seat;
import dev.soldout.seats.hold.Hold;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.stores.TxLookup;
import dev.soldout.stores.TxStateQuery;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POST /payments (202 + paymentTxId) and GET /payments/{id} (interactive query). */
public class PaymentRoutes {
  private static final Logger log = LoggerFactory.getLogger(PaymentRoutes.class);

  record PaymentRequest(String holdId, String userId, Long amount) {}

  private final HoldStore holds;
  private final Catalog catalog;
  private final PaymentRequests requests;
  private final TxStateQuery query;
  private final StatusForwarder forwarder;
  private final Clock clock;

  public PaymentRoutes(HoldStore holds, Catalog catalog, PaymentRequests requests,
      TxStateQuery query, StatusForwarder forwarder, Clock clock) {
    this.holds = holds;
    this.catalog = catalog;
    this.requests = requests;
    this.query = query;
    this.forwarder = forwarder;
    this.clock = clock;
  }

  public void register(JavalinConfig config) {
    config.routes.post("/payments", this::accept);
    config.routes.get("/payments/{paymentTxId}", this::status);
  }

  private void accept(Context ctx) {
    PaymentRequest request = JsonBody.read(ctx, PaymentRequest.class);
    String holdId = required(request.holdId(), "holdId");
    String userId = required(request.userId(), "userId");
    if (request.amount() == null || request.amount() <= 0) {
      throw ApiException.badRequest("INVALID_AMOUNT", "amount must be a positive number");
    }
    Hold hold = holds.find(holdId)
        .filter(h -> h.userId().equals(userId))
        .orElseThrow(() -> ApiException.conflict("HOLD_INVALID",
            "hold " + holdId + " is missing, expired or not yours: hold the seat again"));
    long price = catalog.seat(hold.performanceId(), hold.seatId()).map(Seat::price).orElse(-1L);
    if (price != request.amount()) {
      throw new ApiException(422, "AMOUNT_MISMATCH",
          "amount " + request.amount() + " does not match the seat price " + price);
    }
    String key = ctx.header("Idempotency-Key");
    String paymentTxId = PaymentIds.of(userId, key == null || key.isBlank() ? holdId : key);
    PaymentTry first = new PaymentTry(paymentTxId, holdId, hold.performanceId(), hold.seatId(),
        userId, request.amount(), hold.fencingToken(), 1, clock.instant());
    ctx.future(() -> requests.publish(first).handle((sent, error) -> {
      if (error != null) {
        log.warn("payment.try not accepted by Kafka for {}: {}", paymentTxId, error.toString());
        ErrorMapping.answer(ctx, ApiException.unavailable("PAYMENTS_UNAVAILABLE",
            "payments cannot be accepted right now, try again shortly", 2));
        return null;
      }
      String statusUrl = "/payments/" + paymentTxId;
      ctx.status(202).header("Location", statusUrl).json(Map.of(
          "paymentTxId", paymentTxId, "status", TxStatus.PENDING, "statusUrl", statusUrl,
          "retryAfterMs", PaymentView.DEFAULT_POLL_MS));
      return null;
    }));
  }

  private void status(Context ctx) {
    String paymentTxId = ctx.pathParam("paymentTxId");
    TxLookup lookup = query.lookup(paymentTxId);
    if (lookup instanceof TxLookup.Found found) {
      ctx.json(PaymentView.of(found.state(), clock.instant()));
    } else if (lookup instanceof TxLookup.NotFound) {
      throw ApiException.notFound("UNKNOWN_PAYMENT", "no payment " + paymentTxId);
    } else if (lookup instanceof TxLookup.Elsewhere elsewhere
        && ctx.header(StatusForwarder.FORWARDED_HEADER) == null) {
      forward(ctx, elsewhere.url());
    } else {
      String reason = lookup instanceof TxLookup.Unavailable u ? u.reason()
          : "the owner of this payment moved; ask again";
      throw ApiException.unavailable("STATUS_UNAVAILABLE", reason, 1);
    }
  }

  private void forward(Context ctx, String ownerUrl) {
    String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
    ctx.future(() -> forwarder.forward(ownerUrl, ctx.path() + query).handle((response, error) -> {
      if (error != null) {
        ErrorMapping.answer(ctx, ApiException.unavailable("STATUS_UNAVAILABLE",
            "the instance that owns this payment did not answer", 1));
      } else {
        response.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
        ctx.status(response.statusCode()).contentType("application/json")
            .result(response.body());
      }
      return null;
    }));
  }
}
