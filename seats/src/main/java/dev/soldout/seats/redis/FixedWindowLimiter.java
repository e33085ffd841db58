package dev.soldout.seats.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Counts requests per key in fixed windows in Redis, so every instance shares one budget. When
 * Redis cannot be reached it lets requests through: a limiter must not turn a Redis outage,
 * which holds survive through their fallback, into an outage of sales.
 */
public class FixedWindowLimiter {
  private static final Logger log = LoggerFactory.getLogger(FixedWindowLimiter.class);

  /** KEYS counter; ARGV window ms. Returns the count so far and the window's time left. */
  private static final String COUNT = """
      local n = redis.call('INCR', KEYS[1])
      if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
      return {n, redis.call('PTTL', KEYS[1])}
      """;

  /** Whether a request may go on, and if not, when the window ends. */
  public record Verdict(boolean allowed, long retryAfterMillis) {}

  private final UnifiedJedis redis;
  private final String prefix;
  private final Duration window;
  private final Clock clock;
  private final AtomicLong lastWarnedWindow = new AtomicLong(-1);

  public FixedWindowLimiter(UnifiedJedis redis, String namespace, Duration window, Clock clock) {
    this.redis = redis;
    this.prefix = namespace + "rate:";
    this.window = window;
    this.clock = clock;
  }

  public Duration window() {
    return window;
  }

  /** Counts one request of {@code key} against {@code limit} per window. */
  public Verdict acquire(String key, int limit) {
    long windowMs = window.toMillis();
    long index = clock.millis() / windowMs;
    try {
      List<?> counted = (List<?>) redis.eval(COUNT, List.of(prefix + key + ":" + index),
          List.of(Long.toString(windowMs)));
      long count = (Long) counted.get(0);
      long left = (Long) counted.get(1);
      return count <= limit ? new Verdict(true, 0) : new Verdict(false, Math.max(left, 0));
    } catch (RuntimeException e) {
      // Once per window, not per request: an outage must not flood the log on the hot path.
      long last = lastWarnedWindow.get();
      if (last != index && lastWarnedWindow.compareAndSet(last, index)) {
        log.warn("rate limits not checked while Redis fails: {}", e.toString());
      }
      return new Verdict(true, 0);
    }
  }
}
