package dev.soldout.api.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs health checks in parallel, each bounded by a timeout, so that a hung dependency answers
 * DOWN within the bound instead of hanging the load balancer's probe.
 */
public class HealthService implements AutoCloseable {
  /** The result of one check: UP or DOWN, a detail, and how long it took. */
  public record Result(String status, String detail, long millis) {
    public boolean up() {
      return "UP".equals(status);
    }
  }

  private final List<HealthCheck> checks;
  private final Duration timeout;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "health-check");
    t.setDaemon(true);
    return t;
  });

  public HealthService(List<HealthCheck> checks, Duration timeout) {
    this.checks = List.copyOf(checks);
    this.timeout = timeout;
  }

  public List<String> names() {
    return checks.stream().map(HealthCheck::name).toList();
  }

  public Map<String, Result> runAll() {
    Map<String, CompletableFuture<Result>> running = new LinkedHashMap<>();
    checks.forEach(check -> running.put(check.name(), start(check)));
    Map<String, Result> results = new LinkedHashMap<>();
    running.forEach((name, future) -> results.put(name, future.join()));
    return results;
  }

  public Result run(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst()
        .map(check -> start(check).join())
        .orElseThrow(() -> new IllegalArgumentException("no check " + name));
  }

  /** Ready means every check that routing depends on is UP. */
  public Map<String, Result> runReadiness() {
    Map<String, Result> results = new LinkedHashMap<>();
    checks.stream().filter(HealthCheck::neededForReady).map(c -> Map.entry(c.name(), start(c)))
        .toList().forEach(e -> results.put(e.getKey(), e.getValue().join()));
    return results;
  }

  private CompletableFuture<Result> start(HealthCheck check) {
    long started = System.nanoTime();
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new Result("UP", check.probe().call(), elapsed(started));
      } catch (Exception e) {
        return new Result("DOWN", e.getClass().getSimpleName() + ": " + e.getMessage(),
            elapsed(started));
      }
    }, executor).completeOnTimeout(
        new Result("DOWN", "no answer within " + timeout.toMillis() + " ms", timeout.toMillis()),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static long elapsed(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
