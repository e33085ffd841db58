package dev.soldout.api.status;

import dev.soldout.api.http.ApiException;
import dev.soldout.api.http.ErrorMapping;
import dev.soldout.api.payment.PaymentView;
import dev.soldout.api.payment.StatusForwarder;
import dev.soldout.api.security.FanAuth;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /payments/{paymentTxId}[?waitMs=N]: the transaction's state from wherever it lives, with
 * when to ask again; with waitMs, held (without a thread) until the state changes or the wait
 * ends. An answer read from a standby or restoring copy says so: {@code "stale": true} in the
 * body and {@value #STALE_HEADER} (records behind) as a header.
 */
public class StatusRoutes {
  private static final Logger log = LoggerFactory.getLogger(StatusRoutes.class);
  public static final String STALE_HEADER = "X-Soldout-Stale";

  private final StatusReader reader;

  public StatusRoutes(StatusReader reader) {
    this.reader = reader;
  }

  public void register(JavalinConfig config) {
    config.routes.get("/payments/{paymentTxId}", this::status);
  }

  private void status(Context ctx) {
    String paymentTxId = ctx.pathParam("paymentTxId");
    Duration wait = waitOf(ctx.queryParam("waitMs"));
    boolean forwarded = ctx.header(StatusForwarder.FORWARDED_HEADER) != null;
    String fan = FanAuth.fan(ctx);
    ctx.future(() -> reader.read(paymentTxId, forwarded, wait, ctx.header("Authorization"))
        .handle((answer, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        log.warn("status of {} failed: {}", paymentTxId, cause.toString());
        answer = new StatusReader.Answer.Unavailable("the status cannot be read right now", 1);
      }
      render(ctx, paymentTxId, ownedBy(fan, answer));
      return null;
    }));
  }

  /** Another fan's payment answers like an unknown one, so payment ids cannot be probed. */
  static StatusReader.Answer ownedBy(String fan, StatusReader.Answer answer) {
    if (answer instanceof StatusReader.Answer.Known known
        && (known.view().reservation() == null
            || !fan.equals(known.view().reservation().userId()))) {
      return new StatusReader.Answer.Unknown(known.servedBy());
    }
    return answer;
  }

  /** waitMs: whole milliseconds, 0 to 30000; more is cut to 30000, anything else is a 400. */
  static Duration waitOf(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Duration.ZERO;
    }
    long millis;
    try {
      millis = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("INVALID_WAIT",
          "waitMs must be a whole number of milliseconds, 0 to " + max());
    }
    if (millis < 0) {
      throw ApiException.badRequest("INVALID_WAIT", "waitMs must not be negative");
    }
    return Duration.ofMillis(Math.min(millis, max()));
  }

  private static long max() {
    return StatusReader.MAX_WAIT.toMillis();
  }

  static void render(Context ctx, String paymentTxId, StatusReader.Answer answer) {
    if (answer instanceof StatusReader.Answer.Known known) {
      PaymentView view = known.view();
      servedBy(ctx, known.servedBy());
      if (view.retryAfterSeconds() != null) {
        ctx.header("Retry-After", Integer.toString(view.retryAfterSeconds()));
      }
      if (view.servedStale()) {
        ctx.header(STALE_HEADER, Long.toString(view.staleByRecords()));
      }
      ctx.status(200).json(view);
    } else if (answer instanceof StatusReader.Answer.Unknown unknown) {
      servedBy(ctx, unknown.servedBy());
      ErrorMapping.answer(ctx, ApiException.notFound("UNKNOWN_PAYMENT", "no payment " + paymentTxId));
    } else {
      StatusReader.Answer.Unavailable unavailable = (StatusReader.Answer.Unavailable) answer;
      ErrorMapping.answer(ctx, ApiException.unavailable("STATUS_UNAVAILABLE",
          unavailable.message(), unavailable.retryAfterSeconds()));
    }
  }

  private static void servedBy(Context ctx, String instance) {
    if (instance != null) {
      ctx.header(StatusReader.INSTANCE_HEADER, instance);
    }
  }
}
