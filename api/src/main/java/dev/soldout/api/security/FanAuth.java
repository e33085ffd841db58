package dev.soldout.api.security;

import dev.soldout.api.http.ApiException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * Every fan route (holds, payments, their status, the queue) requires {@code Authorization:
 * Bearer <JWT>}; the fan is the token's subject. Routes read the fan with {@link #fan}, never
 * from the request body, whose {@code userId}, if present, must match.
 */
public final class FanAuth {
  private static final String FAN = "soldout.fan";
  private static final String BEARER = "Bearer ";

  private final FanTokens tokens;

  public FanAuth(FanTokens tokens) {
    this.tokens = tokens;
  }

  public void register(JavalinConfig config) {
    config.routes.beforeMatched(ctx -> {
      if (protects(ctx.path())) {
        ctx.attribute(FAN, authenticate(ctx));
      }
    });
  }

  static boolean protects(String path) {
    return path.equals("/holds") || path.startsWith("/holds/") || path.equals("/payments")
        || path.startsWith("/payments/") || path.startsWith("/queue/");
  }

  private String authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new ApiException(401, "UNAUTHENTICATED",
          "this call needs Authorization: Bearer <token>");
    }
    try {
      return tokens.verify(header.substring(BEARER.length()).trim());
    } catch (InvalidTokenException e) {
      // Why a token was refused is said to the caller, never the token itself, nor logged.
      ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      throw new ApiException(401, "INVALID_TOKEN", "the token was refused: " + e.getMessage());
    }
  }

  /** The authenticated fan of a fan route. */
  public static String fan(Context ctx) {
    String fan = ctx.attribute(FAN);
    if (fan == null) {
      throw new IllegalStateException(ctx.path() + " is not a fan route");
    }
    return fan;
  }

  /** The authenticated fan; a {@code userId} the request also names must be the same fan. */
  public static String fan(Context ctx, String claimedUserId) {
    String fan = fan(ctx);
    if (claimedUserId != null && !claimedUserId.isBlank() && !claimedUserId.equals(fan)) {
      throw new ApiException(403, "USER_MISMATCH",
          "userId " + claimedUserId + " is not the fan of the token");
    }
    return fan;
  }
}
