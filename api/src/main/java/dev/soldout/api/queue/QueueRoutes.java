package dev.soldout.api.queue;

import static dev.soldout.api.http.JsonBody.required;

import dev.soldout.api.http.ApiException;
import dev.soldout.seats.queue.QueuePolicy;
import dev.soldout.seats.queue.QueueTokens;
import dev.soldout.seats.queue.QueueTokens.Claims;
import dev.soldout.seats.queue.QueueTokens.InvalidTokenException;
import dev.soldout.seats.queue.QueueTokens.Kind;
import dev.soldout.seats.queue.WaitingRoom;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * The waiting room: POST /queue/{performanceId}/join, GET /queue/{performanceId}/status?token=,
 * DELETE /queue/{performanceId}/session?token= (leave the line or end the admission). The queue
 * token names the fan's place, so status needs nothing else; it is signed, so it cannot be
 * pointed at another fan's place.
 */
public class QueueRoutes {
  /** A queue token outlives any waiting room; it only names a place that may be gone. */
  static final Duration QUEUE_TOKEN_LIFETIME = Duration.ofHours(24);

  private final QueueApi queue;
  private final QueueTokens tokens;

  public QueueRoutes(QueueApi queue) {
    this.queue = queue;
    this.tokens = queue.room().tokens();
  }

  public void register(JavalinConfig config) {
    config.routes.post("/queue/{performanceId}/join", this::join);
    config.routes.get("/queue/{performanceId}/status", this::status);
    config.routes.delete("/queue/{performanceId}/session", this::leave);
  }

  private void join(Context ctx) {
    QueuePolicy policy = policy(ctx);
    if (!policy.enabled()) {
      throw ApiException.conflict("QUEUE_NOT_ENABLED", "performance " + policy.performanceId()
          + " has no waiting room: hold seats directly");
    }
    String userId = required(queue.fans().fanOf(ctx), "userId");
    Instant now = queue.room().clock().instant();
    String queueToken = tokens.sign(new Claims(Kind.QUEUE, policy.performanceId(), userId, null,
        now.plus(QUEUE_TOKEN_LIFETIME).toEpochMilli()));
    ctx.status(202).json(view(policy, userId, queue.room().join(policy, userId), queueToken, now));
  }

  private void status(Context ctx) {
    QueuePolicy policy = policy(ctx);
    Claims claims = queueToken(ctx, policy);
    Instant now = queue.room().clock().instant();
    ctx.json(view(policy, claims.userId(),
        queue.room().status(policy.performanceId(), claims.userId()), null, now));
  }

  private void leave(Context ctx) {
    QueuePolicy policy = policy(ctx);
    String admission = ctx.header(QueueApi.ADMISSION_HEADER);
    String userId;
    if (ctx.queryParam("token") == null && admission != null) {
      userId = mine(ctx, AdmissionGate.verify(tokens, admission, policy.performanceId(),
          queue.room().clock().instant()).userId());
    } else {
      userId = queueToken(ctx, policy).userId();
    }
    if (!queue.room().leave(policy.performanceId(), userId)) {
      throw ApiException.notFound("NOT_IN_QUEUE", "you are neither waiting nor admitted");
    }
    ctx.status(204);
  }

  private QueuePolicy policy(Context ctx) {
    String performanceId = ctx.pathParam("performanceId");
    return queue.policies().of(performanceId).orElseThrow(() -> ApiException.notFound(
        "UNKNOWN_PERFORMANCE", "no performance " + performanceId));
  }

  private Claims queueToken(Context ctx, QueuePolicy policy) {
    String token = required(ctx.queryParam("token"), "token");
    Claims claims;
    try {
      claims = tokens.verify(token, Kind.QUEUE, queue.room().clock().instant());
    } catch (InvalidTokenException e) {
      throw new ApiException(403, e.expired() ? "QUEUE_TOKEN_EXPIRED" : "INVALID_QUEUE_TOKEN",
          e.getMessage() + ": join again");
    }
    if (!claims.performanceId().equals(policy.performanceId())) {
      throw new ApiException(403, "QUEUE_TOKEN_MISMATCH", "this queue token is for performance "
          + claims.performanceId() + ", not " + policy.performanceId());
    }
    mine(ctx, claims.userId());
    return claims;
  }

  /** A token's fan must be the authenticated one: nobody reads or leaves another's place. */
  private String mine(Context ctx, String tokenUserId) {
    if (!tokenUserId.equals(queue.fans().fanOf(ctx))) {
      throw new ApiException(403, "QUEUE_TOKEN_MISMATCH", "this token is another fan's");
    }
    return tokenUserId;
  }

  private QueueView view(QueuePolicy policy, String userId, WaitingRoom.Place place,
      String queueToken, Instant now) {
    if (place instanceof WaitingRoom.Waiting waiting) {
      long wait = policy.estimatedWaitMs(waiting.position(), now);
      return new QueueView(QueueView.WAITING, queueToken, waiting.position(), wait,
          QueuePolicy.pollAfterMs(wait), null, null);
    }
    if (place instanceof WaitingRoom.Admitted admitted) {
      String admission = tokens.sign(new Claims(Kind.ADMISSION, policy.performanceId(), userId,
          admitted.sessionId(), admitted.sessionEndsAt().toEpochMilli()));
      return new QueueView(QueueView.ADMITTED, queueToken, 0L, 0L, null, admission,
          admitted.sessionEndsAt());
    }
    return new QueueView(QueueView.EXPIRED, queueToken, null, null, null, null, null);
  }
}
