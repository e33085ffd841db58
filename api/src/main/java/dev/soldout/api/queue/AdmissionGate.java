package dev.soldout.api.queue;

import dev.soldout.api.http.ApiException;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.seats.queue.QueuePolicy;
import dev.soldout.seats.queue.QueueTokens;
import dev.soldout.seats.queue.QueueTokens.Claims;
import dev.soldout.seats.queue.QueueTokens.InvalidTokenException;
import dev.soldout.seats.queue.QueueTokens.Kind;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;

/**
 * In front of POST /holds and POST /payments: when the performance sells through its waiting
 * room, the request needs an admission token (header X-Admission-Token) for that performance and
 * that fan, signed and unexpired. It is checked here alone, without a Redis round trip, so a
 * rush of holds costs the queue nothing. Requests that do not name a performance or a fan pass
 * on: the route answers their bad input as before.
 */
public class AdmissionGate {
  private final QueueApi queue;
  private final HoldStore holds;

  public AdmissionGate(QueueApi queue, HoldStore holds) {
    this.queue = queue;
    this.holds = holds;
  }

  public void register(JavalinConfig config) {
    config.routes.beforeMatched("/holds", ctx -> check(ctx, FanIdentity.text(ctx, "performanceId")));
    config.routes.beforeMatched("/payments", ctx -> check(ctx, performanceOfHold(ctx)));
  }

  private void check(Context ctx, String performanceId) {
    if (performanceId == null || ctx.method() != HandlerType.POST) {
      return;
    }
    QueuePolicy policy = queue.policies().of(performanceId).orElse(null);
    if (policy == null || !policy.enabled()) {
      return;
    }
    String token = ctx.header(QueueApi.ADMISSION_HEADER);
    if (token == null || token.isBlank()) {
      throw new ApiException(403, "QUEUE_REQUIRED", "performance " + performanceId
          + " sells through its waiting room: POST /queue/" + performanceId + "/join, and once"
          + " admitted send the admission token in " + QueueApi.ADMISSION_HEADER);
    }
    Claims claims = verify(queue.room().tokens(), token, performanceId,
        queue.room().clock().instant());
    String fan = queue.fans().fanOf(ctx);
    if (fan != null && !fan.equals(claims.userId())) {
      throw new ApiException(403, "ADMISSION_MISMATCH", "this admission is another fan's");
    }
  }

  /** A genuine, unexpired admission to this performance, or the 403 that says why not. */
  static Claims verify(QueueTokens tokens, String token, String performanceId, Instant now) {
    Claims claims;
    try {
      claims = tokens.verify(token, Kind.ADMISSION, now);
    } catch (InvalidTokenException e) {
      throw e.expired()
          ? new ApiException(403, "ADMISSION_EXPIRED", e.getMessage() + ": join the queue again")
          : new ApiException(403, "ADMISSION_INVALID", e.getMessage());
    }
    if (!claims.performanceId().equals(performanceId)) {
      throw new ApiException(403, "ADMISSION_MISMATCH", "this admission is for performance "
          + claims.performanceId() + ", not " + performanceId);
    }
    return claims;
  }

  /** A payment names its hold, not the performance: the hold says which (null if none). */
  private String performanceOfHold(Context ctx) {
    if (ctx.method() != HandlerType.POST) {
      return null;
    }
    String holdId = FanIdentity.text(ctx, "holdId");
    return holdId == null ? null : holds.find(holdId).map(h -> h.performanceId()).orElse(null);
  }
}
