package dev.soldout.api;

import dev.soldout.api.catalog.CatalogRoutes;
import dev.soldout.api.health.HealthRoutes;
import dev.soldout.api.health.HealthService;
import dev.soldout.api.hold.HoldRoutes;
import dev.soldout.api.http.ErrorMapping;
import dev.soldout.api.http.HttpMetrics;
import dev.soldout.api.payment.PaymentRequests;
import dev.soldout.api.payment.PaymentRoutes;
import dev.soldout.api.payment.StatusForwarder;
import dev.soldout.api.security.AbuseLimits;
import dev.soldout.api.security.DevTokenRoutes;
import dev.soldout.api.security.FanAuth;
import dev.soldout.api.security.FanTokens;
import dev.soldout.api.status.StatusReader;
import dev.soldout.api.status.StatusRoutes;
import dev.soldout.api.status.TxWaiters;
import dev.soldout.api.queue.AdmissionGate;
import dev.soldout.api.queue.QueueApi;
import dev.soldout.api.queue.QueueRoutes;
import dev.soldout.events.Json;
import dev.soldout.seats.catalog.Catalog;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.stores.TxStateQuery;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the fan-facing HTTP API and the operators' one (metrics, health) from their
 * collaborators; it owns none of them. They listen on different ports, so that a deployment
 * exposes only the fans' one to the internet.
 */
public final class ApiApp {
  /**
   * Everything the API talks to.
   *
   * @param waiters the long-polls waiting for a transaction change (fed by the topology)
   * @param streamsSettled whether this instance's partitions are stable (Streams RUNNING)
   */
  public record Dependencies(
      Catalog catalog,
      HoldStore holds,
      PaymentRequests payments,
      TxStateQuery txStates,
      TxWaiters waiters,
      BooleanSupplier streamsSettled,
      HealthService health,
      PrometheusRegistry metrics,
      Security security,
      Clock clock,
      int maxThreads) {}

  /**
   * Who the fan is and how fast a fan may go.
   *
   * @param devTokens whether POST /auth/dev-token mints tokens (dev only)
   */
  public record Security(FanTokens tokens, boolean devTokens, AbuseLimits limits) {}

  /** Bodies of this API are a few hundred bytes; anything near this bound is abuse. */
  private static final long MAX_BODY_BYTES = 16 * 1024;
  /** A forwarded plain query; a forwarded long-poll adds its wait to it. */
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(2);

  private ApiApp() {}

  /** The operators' port: /metrics and the health checks, never reachable through the fans'. */
  public static Javalin createOps(HealthService health, PrometheusRegistry metrics) {
    return Javalin.create(config -> {
      config.jsonMapper(new JavalinJackson(Json.mapper(), false));
      config.startup.showJavalinBanner = false;
      ErrorMapping.install(config);
      HttpMetrics.serveScrape(config, metrics);
      new HealthRoutes(health).register(config);
    });
  }

  public static Javalin create(Dependencies deps) {
    return create(deps, null);
  }

  /** With a waiting room (null: none): its routes, and its gate before /holds and /payments. */
  public static Javalin create(Dependencies deps, QueueApi queue) {
    StatusReader status = new StatusReader(deps.txStates(), deps.waiters(),
        new StatusForwarder(FORWARD_TIMEOUT), deps.streamsSettled(), deps.clock());
    GaugeWithCallback.builder()
        .name("payment_status_waiters")
        .help("Status requests (GET /payments/{id}?waitMs=) waiting for a change right now")
        .callback(callback -> callback.call(deps.waiters().count()))
        .register(deps.metrics());
    return Javalin.create(config -> {
      config.jsonMapper(new JavalinJackson(Json.mapper(), false));
      config.http.maxRequestSize = MAX_BODY_BYTES;
      config.jetty.threadPool = new QueuedThreadPool(deps.maxThreads(), Math.min(8,
          deps.maxThreads()), 60_000);
      // Jetty caches each connection's header lines; a connection that carries many fans (a
      // load balancer's, or the bench's) sends a new Authorization value per request, and the
      // full cache was cleared on nearly every one: a third of the API's CPU in a queue rush.
      config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
      config.startup.showJavalinBanner = false;
      ErrorMapping.install(config);
      new HttpMetrics(deps.metrics()).register(config);
      new FanAuth(deps.security().tokens()).register(config);
      deps.security().limits().register(config);
      if (deps.security().devTokens()) {
        new DevTokenRoutes(deps.security().tokens()).register(config);
      }
      new HealthRoutes(deps.health()).register(config);
      new CatalogRoutes(deps.catalog(), deps.holds()).register(config);
      new HoldRoutes(deps.catalog(), deps.holds()).register(config);
      new PaymentRoutes(deps.holds(), deps.catalog(), deps.payments(), status, deps.clock())
          .register(config);
      new StatusRoutes(status).register(config);
      if (queue != null) {
        new QueueRoutes(queue).register(config);
        new AdmissionGate(queue, deps.holds()).register(config);
      }
    });
  }
}
