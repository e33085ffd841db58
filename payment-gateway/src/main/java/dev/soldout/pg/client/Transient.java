package dev.soldout.pg.client;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The PG's answer is unknown or it could not be asked: a 5xx, timeout, connection failure, open
 * circuit or full bulkhead. Whatever happened, repeating the call with the same idempotency key
 * is safe. The reason starts with a stable code (TIMEOUT, HTTP_503, ...) followed by detail.
 */
public record Transient(String reason) implements ChargeOutcome, RefundOutcome {

  static Transient of(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof CallNotPermittedException) {
      return new Transient("CIRCUIT_OPEN");
    }
    if (cause instanceof BulkheadFullException) {
      return new Transient("BULKHEAD_FULL");
    }
    if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
      return new Transient("TIMEOUT");
    }
    if (cause instanceof ConnectException) {
      return new Transient("CONNECTION_FAILED: " + cause.getMessage());
    }
    if (cause instanceof IOException) {
      return new Transient("IO_ERROR: " + cause);
    }
    return new Transient("UNEXPECTED: " + cause);
  }

  static Transient ofStatus(int status, String body) {
    return new Transient("HTTP_" + status + ": " + body);
  }
}
