package dev.soldout.pg.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox payment gateway's HTTP face: charges and refunds under /v1 (where the faults
 * apply) and the fault switchboard under /admin.
 */
public final class SandboxGateway {
  private static final Logger log = LoggerFactory.getLogger(SandboxGateway.class);

  private final ChargeLedger ledger;
  private final FaultInjector faults;
  /** Injected latency waits here, not on a Jetty thread: hundreds of slow requests stay cheap. */
  private final ScheduledExecutorService delays;

  private SandboxGateway(ChargeLedger ledger, FaultInjector faults) {
    this.ledger = ledger;
    this.faults = faults;
    this.delays = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "sandbox-pg-delays");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The app, not started; its delay thread ends when the server stops. */
  public static Javalin create(ChargeLedger ledger, FaultInjector faults) {
    SandboxGateway gateway = new SandboxGateway(ledger, faults);
    return Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
      cfg.events.serverStopped(gateway.delays::shutdownNow);
      cfg.routes.post("/v1/charges", gateway.withFaults(gateway::charge));
      cfg.routes.post("/v1/charges/void", gateway.withFaults(gateway::voidKey));
      cfg.routes.post("/v1/charges/{chargeId}/refund", gateway.withFaults(gateway::refund));
      cfg.routes.get("/v1/charges", gateway.withFaults(gateway::list));
      cfg.routes.get("/admin/faults", ctx -> ctx.json(faults.faults()));
      cfg.routes.post("/admin/faults", ctx -> ctx.json(faults.update(readTree(ctx))));
      cfg.routes.exception(SandboxError.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
      cfg.routes.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus())
          .json(Map.of("error", "HTTP_" + e.getStatus(), "message", e.getMessage())));
      cfg.routes.exception(Exception.class, (e, ctx) -> {
        log.error("sandbox PG failed on {} {}", ctx.method(), ctx.path(), e);
        ctx.status(500).json(Map.of("error", "INTERNAL", "message", String.valueOf(e)));
      });
    });
  }

  /** A fresh ledger without faults, listening on all interfaces ({@code port} 0 picks one). */
  public static Javalin start(int port) {
    return create(new ChargeLedger(), new FaultInjector()).start(port);
  }

  private record ChargeBody(String idempotencyKey, Long amount, String userId) {}

  private void charge(Context ctx) {
    ChargeBody body = read(ctx, ChargeBody.class);
    requireText("idempotencyKey", body.idempotencyKey());
    requireText("userId", body.userId());
    if (body.amount() == null || body.amount() <= 0) {
      throw SandboxError.badRequest("amount must be a positive number of minor units");
    }
    ChargeLedger.Recorded recorded =
        ledger.charge(body.idempotencyKey(), body.amount(), body.userId(), faults::declines);
    ctx.status(recorded.replay() ? 200 : 201).json(recorded.charge());
  }

  private record VoidBody(String idempotencyKey) {}

  private void voidKey(Context ctx) {
    VoidBody body = read(ctx, VoidBody.class);
    requireText("idempotencyKey", body.idempotencyKey());
    ctx.json(ledger.voidKey(body.idempotencyKey()));
  }

  private void refund(Context ctx) {
    ctx.json(ledger.refund(ctx.pathParam("chargeId")));
  }

  private void list(Context ctx) {
    String key = ctx.queryParam("idempotencyKey");
    List<Charge> charges =
        key == null ? ledger.all() : ledger.byIdempotencyKey(key).stream().toList();
    ctx.json(charges);
  }

  /** Applies the fault plan around a /v1 handler; the delay, if any, goes through ctx.future. */
  private Handler withFaults(Handler handler) {
    return ctx -> {
      FaultInjector.Plan plan = faults.plan();
      if (plan.delayMs() == 0) {
        perform(plan, handler, ctx);
        return;
      }
      ctx.future(() -> {
        CompletableFuture<Void> done = new CompletableFuture<>();
        delays.schedule(() -> {
          try {
            perform(plan, handler, ctx);
            done.complete(null);
          } catch (Exception e) {
            done.completeExceptionally(e);
          }
        }, plan.delayMs(), TimeUnit.MILLISECONDS);
        return done;
      });
    };
  }

  private static void perform(FaultInjector.Plan plan, Handler handler, Context ctx)
      throws Exception {
    if (plan.failure() != null) {
      throw SandboxError.unavailable(plan.failure(), "sandbox PG fault: " + plan.failure());
    }
    handler.handle(ctx);
    if (plan.loseResponse()) {
      throw SandboxError.unavailable("RESPONSE_LOST", "sandbox PG fault: processed, answer lost");
    }
  }

  private static <T> T read(Context ctx, Class<T> type) {
    try {
      T value = Json.mapper().readerFor(type)
          .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .readValue(ctx.bodyAsBytes());
      if (value == null) {
        throw SandboxError.badRequest("a JSON body is required");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw SandboxError.badRequest("malformed body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw SandboxError.badRequest("unreadable body: " + e.getMessage());
    }
  }

  private static JsonNode readTree(Context ctx) {
    return read(ctx, JsonNode.class);
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw SandboxError.badRequest(field + " is required");
    }
  }
}
