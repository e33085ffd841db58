package dev.soldout.api.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.api.security.FanAuth;
import dev.soldout.events.Json;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * Who the fan of a request is: the one place the waiting room and its gate ask. It is the
 * bearer token's subject ({@link FanAuth}); a body {@code userId}, if given, must match it.
 */
@FunctionalInterface
public interface FanIdentity {
  /** The authenticated fan; 403 when the body names another. */
  FanIdentity AUTHENTICATED = ctx -> FanAuth.fan(ctx, text(ctx, "userId"));

  /** The fan, or null when the request does not say. */
  String fanOf(Context ctx);

  /** A text field of the JSON body, or null. Javalin keeps the body, so routes read it again. */
  static String text(Context ctx, String field) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length == 0) {
      return null;
    }
    try {
      JsonNode value = Json.mapper().readTree(body).path(field);
      return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    } catch (IOException malformed) {
      return null;
    }
  }
}
