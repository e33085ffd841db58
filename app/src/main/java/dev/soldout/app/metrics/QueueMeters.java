package dev.soldout.app.metrics;

import dev.soldout.seats.queue.QueueListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The waiting rooms: fans in line, sessions running against the cap (every instance measures
 * the shared queue, so take the max over instances), and the admissions with their waits (only
 * the ticker's lease holder admits, so sum over instances).
 */
final class QueueMeters implements QueueListener {
  private final Gauge waiting;
  private final Gauge sessions;
  private final Gauge maxSessions;
  private final Gauge saleOpen;
  private final Counter admitted;
  private final Histogram waits;

  QueueMeters(PrometheusRegistry registry) {
    waiting = Gauge.builder()
        .name("queue_waiting_fans")
        .help("Fans in a performance's waiting room, not admitted yet (the same on every instance)")
        .labelNames("performance")
        .register(registry);
    sessions = Gauge.builder()
        .name("queue_sessions_active")
        .help("Fans admitted whose session still runs (the same on every instance)")
        .labelNames("performance")
        .register(registry);
    maxSessions = Gauge.builder()
        .name("queue_sessions_max")
        .help("The cap on sessions running at once")
        .labelNames("performance")
        .register(registry);
    saleOpen = Gauge.builder()
        .name("queue_sale_open")
        .help("1 once the performance's sale has opened (before it, nobody is admitted)")
        .labelNames("performance")
        .register(registry);
    admitted = Counter.builder()
        .name("queue_admitted_total")
        .help("Fans admitted from a waiting room (counted by the instance whose ticker admitted)")
        .labelNames("performance")
        .register(registry);
    // An on-sale queue is waited in for seconds to an hour.
    waits = Histogram.builder()
        .name("queue_wait_seconds")
        .help("Time from joining a waiting room to admission")
        .classicOnly()
        .classicUpperBounds(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600)
        .register(registry);
  }

  @Override
  public void admitted(String performanceId, List<Long> waitedMillis) {
    admitted.labelValues(performanceId).inc(waitedMillis.size());
    waitedMillis.forEach(ms -> waits.observe(ms / 1000.0));
  }

  @Override
  public void measured(String performanceId, long fans, long running, int maxAdmitted,
      boolean open) {
    saleOpen.labelValues(performanceId).set(open ? 1 : 0);
    waiting.labelValues(performanceId).set(fans);
    sessions.labelValues(performanceId).set(running);
    maxSessions.labelValues(performanceId).set(maxAdmitted);
    // The counter exists as soon as the queue does, so a stall shows as an increase of 0.
    admitted.initLabelValues(performanceId);
  }
}
