package dev.soldout.pg.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/** A sandbox PG on a free loopback port with a seeded fault generator, for tests. */
public final class RunningSandbox implements AutoCloseable {
  public final ChargeLedger ledger = new ChargeLedger();
  public final FaultInjector faults;
  private final Javalin app;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .build();

  public RunningSandbox(long seed) {
    faults = new FaultInjector(new SplittableRandom(seed));
    app = SandboxGateway.create(ledger, faults).start("127.0.0.1", 0);
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + app.port());
  }

  public HttpResponse<String> post(String path, String json) {
    return send(postRequest(path, json));
  }

  public CompletableFuture<HttpResponse<String>> postAsync(String path, String json) {
    return http.sendAsync(postRequest(path, json), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest postRequest(String path, String json) {
    return HttpRequest.newBuilder(baseUrl().resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(baseUrl().resolve(path)).GET().build());
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    app.stop();
  }
}
