package dev.soldout.api.security;

import static dev.soldout.api.http.JsonBody.required;

import dev.soldout.api.http.JsonBody;
import io.javalin.config.JavalinConfig;
import java.util.Map;

/**
 * POST /auth/dev-token {userId}: a short-lived token for any fan, so that a developer can try
 * the API without an identity provider. Registered only when AUTH_DEV_TOKENS is on, which
 * {@code ./soldout dev} does and nothing else.
 */
public final class DevTokenRoutes {
  record DevTokenRequest(String userId) {}

  private final FanTokens tokens;

  public DevTokenRoutes(FanTokens tokens) {
    this.tokens = tokens;
  }

  public void register(JavalinConfig config) {
    config.routes.post("/auth/dev-token", ctx -> {
      String userId = required(JsonBody.read(ctx, DevTokenRequest.class).userId(), "userId");
      FanTokens.Minted minted = tokens.mint(userId);
      ctx.status(201).json(Map.of("token", minted.token(), "tokenType", "Bearer",
          "expiresAt", minted.expiresAt().toString(), "userId", userId));
    });
  }
}
