package dev.soldout.api.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** HTTP request latency by route and status, and the /metrics endpoint that shows it. */
public class HttpMetrics {
  private final Histogram requests;

  public HttpMetrics(PrometheusRegistry registry) {
    this.requests = Histogram.builder()
        .name("http_request_duration_seconds")
        .help("HTTP requests by route, method and status")
        .labelNames("route", "method", "status")
        .register(registry);
  }

  public void register(JavalinConfig config) {
    config.requestLogger.http((ctx, millis) -> requests
        .labelValues(route(ctx), ctx.method().name(), Integer.toString(ctx.statusCode()))
        .observe(millis / 1000.0));
  }

  /** GET /metrics, on the operators' port. */
  public static void serveScrape(JavalinConfig config, PrometheusRegistry registry) {
    config.routes.get("/metrics", ctx -> scrape(ctx, registry));
  }

  /** The route template, not the path, so that ids do not explode the label set. */
  private static String route(Context ctx) {
    try {
      return ctx.endpoint().path;
    } catch (RuntimeException unmatched) {
      return "unmatched";
    }
  }

  private static void scrape(Context ctx, PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    writer.write(out, registry.scrape());
    ctx.contentType(writer.getContentType()).result(out.toByteArray());
  }
}
