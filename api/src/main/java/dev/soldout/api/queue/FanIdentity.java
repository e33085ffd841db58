package dev.soldout.api.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * Who the fan of a request is: the one place the waiting room and its gate ask. Until fan
 * authentication lands it is the body's {@code userId}, as the contract says; then it becomes
 * the token's subject, and this interface is what changes.
 */
@FunctionalInterface
public interface FanIdentity {
  /** The body's userId; null when the body is not JSON or has none (the route says why). */
  FanIdentity BODY_USER_ID = ctx -> text(ctx, "userId");

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
