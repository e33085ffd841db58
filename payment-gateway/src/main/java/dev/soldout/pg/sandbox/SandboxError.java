package dev.soldout.pg.sandbox;

import java.util.Map;

/** A refusal the sandbox answers as {@code {"error": code, "message": ...}} with an HTTP status. */
public final class SandboxError extends RuntimeException {
  private final int status;
  private final String code;

  public SandboxError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static SandboxError badRequest(String message) {
    return new SandboxError(400, "BAD_REQUEST", message);
  }

  static SandboxError unavailable(String code, String message) {
    return new SandboxError(503, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  Map<String, String> body() {
    return Map.of("error", code, "message", getMessage());
  }
}
