package dev.soldout.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny JSON HTTP client for functional tests against a running instance. */
final class Http {
  record Response(int status, JsonNode body, HttpResponse<String> raw) {
    String text(String field) {
      return body.path(field).asText();
    }
  }

  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  Http(String base) {
    this.base = base;
  }

  String base() {
    return base;
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /** A GET with request headers, waiting up to {@code timeout} (a long-poll needs more). */
  Response get(String path, Duration timeout, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET()
        .timeout(timeout);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request, timeout);
  }

  Response post(String path, String json, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  private static JsonNode parse(String body) {
    try {
      return body.isEmpty() ? Json.mapper().nullNode() : Json.mapper().readTree(body);
    } catch (IOException notJson) {
      return Json.mapper().getNodeFactory().textNode(body);
    }
  }

  private Response send(HttpRequest.Builder request) {
    return send(request, Duration.ofSeconds(10));
  }

  private Response send(HttpRequest.Builder request, Duration timeout) {
    try {
      HttpResponse<String> response = client.send(request.timeout(timeout).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), parse(response.body()), response);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
