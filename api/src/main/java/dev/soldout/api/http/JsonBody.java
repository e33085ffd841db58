package dev.soldout.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soldout.events.Json;
import io.javalin.http.Context;
import java.io.IOException;

/** Reads a request body as a record; malformed JSON is a 400, never a 500. */
public final class JsonBody {
  static final int MAX_DEPTH = 16;

  /** Missing fields are checked one by one below, so the fan learns which field is missing. */
  private static final ObjectMapper MAPPER = Json.mapper().copy()
      .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  static {
    // Bodies here are flat objects; deep nesting is only ever an attack on the parser.
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
  }

  private JsonBody() {}

  public static <T> T read(Context ctx, Class<T> type) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length == 0) {
      throw ApiException.badRequest("INVALID_JSON", "a JSON body is required");
    }
    try {
      T value = MAPPER.readValue(body, type);
      if (value == null) {
        throw ApiException.badRequest("INVALID_JSON", "a JSON object is required");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("INVALID_JSON", "malformed body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("INVALID_JSON", "unreadable body");
    }
  }

  /** A required text field: present and not blank. */
  public static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest("MISSING_FIELD", field + " is required");
    }
    return value;
  }
}
