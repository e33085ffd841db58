package dev.soldout.app.metrics;

import dev.soldout.api.health.HealthService;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * soldout_dependency_up: 1 or 0 per dependency from the last health check, which runs in the
 * background (each check bounded by HealthService's timeout), so that a scrape never waits on
 * a hung dependency. A dependency not checked yet counts as down.
 */
final class DependencyProbe {
  private DependencyProbe() {}

  static AutoCloseable start(HealthService health, PrometheusRegistry registry, Duration every) {
    Refreshed<Map<String, HealthService.Result>> last = new Refreshed<>("dependency-probe",
        Map.of(), every, health::runAll);
    GaugeWithCallback.builder()
        .name("soldout_dependency_up")
        .help("1 when the last background health check of the dependency passed, else 0")
        .labelNames("dependency")
        .callback(callback -> {
          for (String name : health.names()) {
            HealthService.Result result = last.get().get(name);
            callback.call(result != null && result.up() ? 1 : 0, name);
          }
        })
        .register(registry);
    return last;
  }
}
