package dev.soldout.app.metrics;

import dev.soldout.api.health.HealthService;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * soldout_dependency_up: 1 or 0 per dependency from the last health check, which runs in the
 * background (each check bounded by HealthService's timeout), so that a scrape never waits on
 * a hung dependency. A dependency not checked yet counts as down.
 */
final class DependencyProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DependencyProbe.class);

  private final HealthService health;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "dependency-probe");
        thread.setDaemon(true);
        return thread;
      });
  private volatile Map<String, HealthService.Result> last = Map.of();

  private DependencyProbe(HealthService health) {
    this.health = health;
  }

  static DependencyProbe start(HealthService health, PrometheusRegistry registry,
      Duration every) {
    DependencyProbe probe = new DependencyProbe(health);
    GaugeWithCallback.builder()
        .name("soldout_dependency_up")
        .help("1 when the last background health check of the dependency passed, else 0")
        .labelNames("dependency")
        .callback(callback -> {
          for (String name : health.names()) {
            HealthService.Result result = probe.last.get(name);
            callback.call(result != null && result.up() ? 1 : 0, name);
          }
        })
        .register(registry);
    probe.scheduler.scheduleWithFixedDelay(probe::check, 0, every.toMillis(),
        TimeUnit.MILLISECONDS);
    return probe;
  }

  private void check() {
    try {
      last = health.runAll();
    } catch (RuntimeException e) {
      // An exception would cancel the schedule, and the gauge would freeze on stale values.
      log.warn("dependency probe failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
