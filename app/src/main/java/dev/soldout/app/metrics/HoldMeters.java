package dev.soldout.app.metrics;

import dev.soldout.seats.hold.HoldListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/**
 * How fans' hold attempts end, how many the database fallback took and how many expired unpaid,
 * and how long each Redis round trip of the hold store takes.
 */
final class HoldMeters implements HoldListener {
  private static final String[] OPERATIONS = {
      "take", "find", "release", "mark_sold", "states", "keep_alive", "heartbeat", "list", "adopt",
      "sold_marks"};

  private final Counter attempts;
  private final Counter fallbacks;
  private final Counter expired;
  private final Histogram redisCalls;

  HoldMeters(PrometheusRegistry registry) {
    attempts = Counter.builder()
        .name("seat_hold_attempts_total")
        .help("Attempts to hold a seat, by result: held, conflict (another fan holds it), sold,"
            + " fan_limit (the fan holds enough seats of the performance)")
        .labelNames("result")
        .register(registry);
    fallbacks = Counter.builder()
        .name("seat_hold_fallbacks_total")
        .help("Hold attempts the database answered because Redis could not be reached")
        .register(registry);
    expired = Counter.builder()
        .name("seat_holds_expired_total")
        .help("Holds that expired without a payment keeping them alive (Redis holds only)")
        .register(registry);
    // Redis answers in well under a millisecond; the client gives up after 1 s.
    redisCalls = Histogram.builder()
        .name("redis_command_duration_seconds")
        .help("Redis round trips of the seat hold store, failed ones included, by operation")
        .labelNames("operation")
        .classicOnly()
        .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1)
        .register(registry);
    // Every series exists from the start, so a rate over it is 0 rather than absent.
    for (Attempt attempt : Attempt.values()) {
      attempts.initLabelValues(label(attempt));
    }
    for (String operation : OPERATIONS) {
      redisCalls.initLabelValues(operation);
    }
  }

  @Override
  public void attempted(Attempt attempt, boolean fallback) {
    attempts.labelValues(label(attempt)).inc();
    if (fallback) {
      fallbacks.inc();
    }
  }

  @Override
  public void expired(int holds) {
    expired.inc(holds);
  }

  @Override
  public void redisCall(String operation, long nanos) {
    redisCalls.labelValues(operation).observe(nanos / 1e9);
  }

  private static String label(Attempt attempt) {
    return attempt.name().toLowerCase(Locale.ROOT);
  }
}
