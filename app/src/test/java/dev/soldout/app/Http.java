package dev.soldout.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A tiny JSON HTTP client for functional tests against a running instance. It plays the fans:
 * unless a request carries its own Authorization header, it signs in as the fan the request is
 * about (the body's or the query's userId, the payer of a /payments/{id}, the fan of a queue
 * token, else "test-fan"), so
 * that tests read as the contract's calls. Security tests send their own headers.
 */
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
    return get(path, Duration.ofSeconds(10));
  }

  /** A GET with request headers, waiting up to {@code timeout} (a long-poll needs more). */
  Response get(String path, Duration timeout, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET()
        .timeout(timeout);
    return send(request, timeout, fanOf(path, null), headers);
  }

  Response post(String path, String json, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    String fan = fanOf(path, json);
    Response response = send(request, Duration.ofSeconds(10), fan, headers);
    if (!carriesAuthorization(headers) && path.equals("/payments")
        && !response.text("paymentTxId").isEmpty()) {
      TestFans.paid(response.text("paymentTxId"), fan);
    }
    if (!carriesAuthorization(headers) && path.startsWith("/queue/")
        && !response.text("queueToken").isEmpty()) {
      TestFans.queued(response.text("queueToken"), fan);
    }
    return response;
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), Duration.ofSeconds(10),
        fanOf(path, null));
  }

  private static boolean carriesAuthorization(String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase("Authorization")) {
        return true;
      }
    }
    return false;
  }

  private static String fanOf(String path, String json) {
    if (json != null) {
      String named = parse(json).path("userId").asText("");
      if (!named.isEmpty()) {
        return named;
      }
    }
    int query = path.indexOf("userId=");
    if (query >= 0) {
      return path.substring(query + "userId=".length()).split("&")[0];
    }
    int token = path.indexOf("token=");
    if (path.startsWith("/queue/") && token >= 0) {
      return TestFans.queuer(path.substring(token + "token=".length()).split("&")[0]);
    }
    if (path.startsWith("/payments/")) {
      return TestFans.payer(path.substring("/payments/".length()).split("\\?")[0]);
    }
    return "test-fan";
  }

  private static JsonNode parse(String body) {
    try {
      return body.isEmpty() ? Json.mapper().nullNode() : Json.mapper().readTree(body);
    } catch (IOException notJson) {
      return Json.mapper().getNodeFactory().textNode(body);
    }
  }

  private Response send(HttpRequest.Builder request, Duration timeout, String fan,
      String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    if (!carriesAuthorization(headers)) {
      request.header("Authorization", TestFans.bearer(fan));
    }
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
