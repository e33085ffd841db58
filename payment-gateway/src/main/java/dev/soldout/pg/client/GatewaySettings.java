package dev.soldout.pg.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the worker talks to the PG and when it stops trying. See {@link #defaults} for the values
 * and why.
 *
 * @param baseUrl the PG, e.g. {@code http://localhost:7071}
 * @param connectTimeout TCP connect budget, part of the call timeout in practice
 * @param callTimeout budget for one HTTP exchange; past it the call is a transient failure
 * @param maxConcurrentCalls bulkhead size: exchanges in flight at once
 * @param slidingWindowSize breaker's count-based window of recent calls
 * @param minimumNumberOfCalls calls in the window before the breaker may judge the PG
 * @param failureRateThreshold percent of failed calls that opens the breaker
 * @param slowCallThreshold a call slower than this counts as slow
 * @param slowCallRateThreshold percent of slow calls that opens the breaker
 * @param openStateWait how long the open breaker fails fast before probing again
 * @param halfOpenCalls probe calls in half-open state that decide close or reopen
 */
public record GatewaySettings(
    URI baseUrl,
    Duration connectTimeout,
    Duration callTimeout,
    int maxConcurrentCalls,
    int slidingWindowSize,
    int minimumNumberOfCalls,
    float failureRateThreshold,
    Duration slowCallThreshold,
    float slowCallRateThreshold,
    Duration openStateWait,
    int halfOpenCalls) {

  public GatewaySettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(callTimeout, "callTimeout");
    requirePositive(slowCallThreshold, "slowCallThreshold");
    requirePositive(openStateWait, "openStateWait");
    if (maxConcurrentCalls < 1 || halfOpenCalls < 1 || minimumNumberOfCalls < 1
        || slidingWindowSize < minimumNumberOfCalls) {
      throw new IllegalArgumentException(
          "need maxConcurrentCalls, halfOpenCalls >= 1 and 1 <= minimumNumberOfCalls <= window");
    }
  }

  private static void requirePositive(Duration duration, String name) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /**
   * The defaults, chosen for a card PG that normally answers in well under a second:
   *
   * <ul>
   *   <li>call timeout 2.5 s: several times a healthy PG's p99, yet short enough that a hung PG
   *       frees bulkhead slots quickly; a timed-out charge is retried with the same idempotency
   *       key, so giving up early never double-charges. Connect timeout 1 s: a local-network
   *       connect takes milliseconds, a SYN into the void must not eat the whole budget.
   *   <li>bulkhead 200 concurrent calls, non-blocking (a full bulkhead fails at once, a
   *       transient failure): enough for the worker's default window of 200 in flight, a cap on
   *       sockets and on load we pile onto a struggling PG.
   *   <li>breaker: count window 20, judged after 10 calls, opens at 50% failures. The library's
   *       default needs 100 calls first, which at outage time means 100 more doomed charges
   *       and their timeouts; 10 calls is still enough to ignore one or two blips. Slow calls
   *       (over 2 s, most of the timeout) open it at 80%, i.e. only when the PG is slow across
   *       the board. Open for 5 s, then 5 half-open probes decide: short enough that a
   *       recovered PG is used again within a retry backoff or two.
   * </ul>
   */
  public static GatewaySettings defaults(URI baseUrl) {
    return new GatewaySettings(baseUrl, Duration.ofSeconds(1), Duration.ofMillis(2500), 200, 20,
        10, 50f, Duration.ofSeconds(2), 80f, Duration.ofSeconds(5), 5);
  }

  /** Another call timeout; the slow-call threshold is lowered to it if above, never raised. */
  public GatewaySettings withCallTimeout(Duration timeout) {
    return new GatewaySettings(baseUrl, connectTimeout, timeout, maxConcurrentCalls,
        slidingWindowSize, minimumNumberOfCalls, failureRateThreshold,
        timeout.compareTo(slowCallThreshold) < 0 ? timeout : slowCallThreshold,
        slowCallRateThreshold, openStateWait, halfOpenCalls);
  }

  public GatewaySettings withOpenStateWait(Duration wait) {
    return new GatewaySettings(baseUrl, connectTimeout, callTimeout, maxConcurrentCalls,
        slidingWindowSize, minimumNumberOfCalls, failureRateThreshold, slowCallThreshold,
        slowCallRateThreshold, wait, halfOpenCalls);
  }
}
