package dev.soldout.pg.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The misbehaviour the sandbox injects under /v1, set at run time through /admin/faults.
 *
 * @param errorRate share of requests answered 503 without touching the ledger
 * @param lostResponseRate share of requests processed and then answered 503, as when the PG's
 *     answer is lost on the way back
 * @param latencyMs delay before each request is processed
 * @param outage every request is answered 503
 * @param declineRate share of new charges that are declined
 */
public record Faults(
    double errorRate, double lostResponseRate, long latencyMs, boolean outage,
    double declineRate) {

  public static final Faults NONE = new Faults(0, 0, 0, false, 0);
  /** Longer than any client timeout worth testing, short enough not to pin a request forever. */
  static final long MAX_LATENCY_MS = 60_000;

  public Faults {
    requireRate("errorRate", errorRate);
    requireRate("lostResponseRate", lostResponseRate);
    requireRate("declineRate", declineRate);
    if (latencyMs < 0 || latencyMs > MAX_LATENCY_MS) {
      throw new IllegalArgumentException("latencyMs must be within 0.." + MAX_LATENCY_MS);
    }
  }

  private static void requireRate(String name, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " must be within 0..1");
    }
  }

  /**
   * These faults with the fields of a JSON object applied; fields left out keep their value.
   *
   * @throws SandboxError 400 for a non-object, an unknown field or an invalid value
   */
  public Faults merge(JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      throw SandboxError.badRequest("faults must be a JSON object");
    }
    double error = errorRate;
    double lost = lostResponseRate;
    long latency = latencyMs;
    boolean down = outage;
    double decline = declineRate;
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      JsonNode value = field.getValue();
      switch (field.getKey()) {
        case "errorRate" -> error = number(field.getKey(), value);
        case "lostResponseRate" -> lost = number(field.getKey(), value);
        case "declineRate" -> decline = number(field.getKey(), value);
        case "latencyMs" -> {
          if (!value.canConvertToExactIntegral() || !value.canConvertToLong()) {
            throw SandboxError.badRequest("latencyMs must be a whole number of milliseconds");
          }
          latency = value.asLong();
        }
        case "outage" -> {
          if (!value.isBoolean()) {
            throw SandboxError.badRequest("outage must be true or false");
          }
          down = value.asBoolean();
        }
        default -> throw SandboxError.badRequest("unknown fault " + field.getKey());
      }
    }
    try {
      return new Faults(error, lost, latency, down, decline);
    } catch (IllegalArgumentException e) {
      throw SandboxError.badRequest(e.getMessage());
    }
  }

  private static double number(String name, JsonNode value) {
    if (!value.isNumber()) {
      throw SandboxError.badRequest(name + " must be a number within 0..1");
    }
    return value.asDouble();
  }
}
