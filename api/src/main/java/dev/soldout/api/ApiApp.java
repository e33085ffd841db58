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
import dev.soldout.api.queue.AdmissionGate;
import dev.soldout.api.queue.QueueApi;
import dev.soldout.api.queue.QueueRoutes;
import dev.soldout.events.Json;
import dev.soldout.seats.catalog.Catalog;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.stores.TxStateQuery;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;

/** Builds the fan-facing HTTP API from its collaborators; it owns none of them. */
public final class ApiApp {
  /** Everything the API talks to. */
  public record Dependencies(
      Catalog catalog,
      HoldStore holds,
      PaymentRequests payments,
      TxStateQuery txStates,
      HealthService health,
      PrometheusRegistry metrics,
      Clock clock) {}

  /** Bodies of this API are a few hundred bytes; anything near this bound is abuse. */
  private static final long MAX_BODY_BYTES = 16 * 1024;

  private ApiApp() {}

  public static Javalin create(Dependencies deps) {
    return create(deps, null);
  }

  /** With a waiting room (null: none): its routes, and its gate before /holds and /payments. */
  public static Javalin create(Dependencies deps, QueueApi queue) {
    return Javalin.create(config -> {
      config.jsonMapper(new JavalinJackson(Json.mapper(), false));
      config.http.maxRequestSize = MAX_BODY_BYTES;
      config.startup.showJavalinBanner = false;
      ErrorMapping.install(config);
      new HttpMetrics(deps.metrics()).register(config);
      new HealthRoutes(deps.health()).register(config);
      new CatalogRoutes(deps.catalog(), deps.holds()).register(config);
      new HoldRoutes(deps.catalog(), deps.holds()).register(config);
      new PaymentRoutes(deps.holds(), deps.catalog(), deps.payments(), deps.txStates(),
          new StatusForwarder(Duration.ofSeconds(2)), deps.clock()).register(config);
      if (queue != null) {
        new QueueRoutes(queue).register(config);
        new AdmissionGate(queue, deps.holds()).register(config);
      }
    });
  }
}
