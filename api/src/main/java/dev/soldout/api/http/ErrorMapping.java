package dev.soldout.api.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/** Every failure becomes a JSON error body, mapped in this one place. */
public final class ErrorMapping {
  private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

  private ErrorMapping() {}

  public static void install(JavalinConfig config) {
    config.routes.exception(ApiException.class, (e, ctx) -> answer(ctx, e));
    config.routes.exception(JedisException.class, (e, ctx) -> {
      log.warn("redis unavailable: {}", e.getMessage());
      answer(ctx, ApiException.unavailable("SEATS_UNAVAILABLE",
          "the seat service is unavailable, try again shortly", 1));
    });
    config.routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx,
        new ApiException(e.getStatus(), codeOf(e.getStatus()), e.getMessage())));
    config.routes.exception(Exception.class, (e, ctx) -> {
      log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
      answer(ctx, new ApiException(500, "INTERNAL", "unexpected error"));
    });
    config.routes.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        answer(ctx, ApiException.notFound("NOT_FOUND", "no such resource: " + ctx.path()));
      }
    });
    config.routes.error(405, ctx -> answer(ctx,
        new ApiException(405, "METHOD_NOT_ALLOWED", ctx.method() + " is not allowed here")));
  }

  public static void answer(Context ctx, ApiException e) {
    if (e.retryAfterSeconds() != null) {
      ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
    }
    ctx.status(e.status()).json(new ApiError(e.code(), e.getMessage()));
  }

  private static String codeOf(int status) {
    return switch (status) {
      case 400 -> "BAD_REQUEST";
      case 404 -> "NOT_FOUND";
      case 413 -> "PAYLOAD_TOO_LARGE";
      default -> "HTTP_" + status;
    };
  }
}
