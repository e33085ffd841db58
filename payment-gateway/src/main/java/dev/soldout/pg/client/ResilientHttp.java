package dev.soldout.pg.client;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * One HTTP exchange with the PG inside CircuitBreaker(TimeLimiter(Bulkhead(sendAsync))), the
 * order resilience4j recommends: the breaker sees timeouts, the bulkhead holds a slot until the
 * socket is really free. Nothing here blocks the caller.
 */
final class ResilientHttp implements AutoCloseable {
  private final HttpClient http;
  private final Duration callTimeout;
  private final CircuitBreaker circuitBreaker;
  private final Bulkhead bulkhead;
  private final TimeLimiter timeLimiter;
  private final ScheduledExecutorService timeouts;

  ResilientHttp(GatewaySettings settings) {
    // HTTP/1.1: the PG (and the sandbox) speak no h2c, so the upgrade attempt is wasted.
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.connectTimeout())
        .build();
    this.callTimeout = settings.callTimeout();
    this.circuitBreaker = CircuitBreaker.of("payment-gateway", CircuitBreakerConfig.custom()
        .slidingWindow(settings.slidingWindowSize(), settings.minimumNumberOfCalls(),
            CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(settings.failureRateThreshold())
        .slowCallDurationThreshold(settings.slowCallThreshold())
        .slowCallRateThreshold(settings.slowCallRateThreshold())
        .waitDurationInOpenState(settings.openStateWait())
        .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
        // Exceptions (timeouts, connection errors) count by default; an answer counts as a
        // failure only when the PG is in trouble. A decline or a 4xx is a healthy PG talking.
        .recordResult(ResilientHttp::isTroubleAnswer)
        // A full bulkhead is our own back-pressure, not evidence against the PG.
        .ignoreExceptions(BulkheadFullException.class)
        .build());
    this.bulkhead = Bulkhead.of("payment-gateway", BulkheadConfig.custom()
        .maxConcurrentCalls(settings.maxConcurrentCalls())
        // Zero wait: a semaphore wait would block the caller, the worker's poll thread.
        .maxWaitDuration(Duration.ZERO)
        .build());
    this.timeLimiter = TimeLimiter.of("payment-gateway", TimeLimiterConfig.custom()
        .timeoutDuration(settings.callTimeout())
        .cancelRunningFuture(true)
        .build());
    this.timeouts = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "pg-client-timeouts");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** 5xx, 429 and 408: the PG is down, overloaded or too slow; the call may be repeated. */
  static boolean isTroubleAnswer(Object result) {
    return result instanceof HttpResponse<?> response && isTroubleStatus(response.statusCode());
  }

  static boolean isTroubleStatus(int status) {
    return status >= 500 || status == 429 || status == 408;
  }

  CompletionStage<HttpResponse<String>> send(HttpRequest.Builder request) {
    // The request's own timeout aborts the exchange, so a timed-out call frees its socket and
    // bulkhead slot instead of lingering after the time limiter gave up on it.
    HttpRequest timed = request.timeout(callTimeout).build();
    Supplier<CompletionStage<HttpResponse<String>>> exchange =
        () -> http.sendAsync(timed, HttpResponse.BodyHandlers.ofString());
    return CircuitBreaker.decorateCompletionStage(circuitBreaker,
            timeLimiter.decorateCompletionStage(timeouts,
                Bulkhead.decorateCompletionStage(bulkhead, exchange)))
        .get();
  }

  CircuitBreaker circuitBreaker() {
    return circuitBreaker;
  }

  Bulkhead bulkhead() {
    return bulkhead;
  }

  TimeLimiter timeLimiter() {
    return timeLimiter;
  }

  @Override
  public void close() {
    timeouts.shutdownNow();
  }
}
