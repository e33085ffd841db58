package dev.soldout.api.security;

import dev.soldout.api.http.ApiException;
import dev.soldout.seats.redis.FixedWindowLimiter;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * Bounds how fast one fan and one client address may take holds and start payments, in a
 * window shared by all instances (Redis): a bot gets 429 with Retry-After, a fan never notices.
 *
 * @param perFan requests per window a fan may make; 0 for no limit
 * @param perAddress requests per window one client address may make; 0 for no limit
 */
public record AbuseLimits(FixedWindowLimiter limiter, int perFan, int perAddress) {
  public void register(JavalinConfig config) {
    config.routes.beforeMatched(ctx -> {
      if (ctx.method() == HandlerType.POST
          && (ctx.path().equals("/holds") || ctx.path().equals("/payments"))) {
        check(ctx, "fan", FanAuth.fan(ctx), perFan);
        check(ctx, "ip", ctx.ip(), perAddress);
      }
    });
  }

  private void check(Context ctx, String scope, String who, int limit) {
    if (limit <= 0) {
      return;
    }
    FixedWindowLimiter.Verdict verdict = limiter.acquire(scope + ":" + who, limit);
    if (!verdict.allowed()) {
      throw new ApiException(429, "RATE_LIMITED", "too many requests from this " + scope
          + ": at most " + limit + " holds and payments per " + limiter.window().toSeconds()
          + " s", (int) Math.max(1, (verdict.retryAfterMillis() + 999) / 1000));
    }
  }
}
