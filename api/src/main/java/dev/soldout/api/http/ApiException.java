package dev.soldout.api.http;

/** A 4xx (or 503) answer with the contract's error body {"error": CODE, "message": ...}. */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final Integer retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiException(int status, String code, String message, Integer retryAfterSeconds) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  public static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message);
  }

  public static ApiException unavailable(String code, String message, int retryAfterSeconds) {
    return new ApiException(503, code, message, retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
