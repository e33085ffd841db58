package dev.soldout.api.health;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** /health, /health/live, /health/ready and one route per dependency: 200 UP or 503 DOWN. */
public class HealthRoutes {
  private final HealthService health;

  public HealthRoutes(HealthService health) {
    this.health = health;
  }

  public void register(JavalinConfig config) {
    config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
    config.routes.get("/health/ready", ctx -> answer(ctx, health.runReadiness()));
    config.routes.get("/health", ctx -> answer(ctx, health.runAll()));
    for (String name : health.names()) {
      config.routes.get("/health/" + name, ctx -> {
        HealthService.Result result = health.run(name);
        ctx.status(result.up() ? 200 : 503).json(result);
      });
    }
  }

  private static void answer(Context ctx, Map<String, HealthService.Result> results) {
    boolean up = results.values().stream().allMatch(HealthService.Result::up);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("checks", results);
    ctx.status(up ? 200 : 503).json(body);
  }
}
