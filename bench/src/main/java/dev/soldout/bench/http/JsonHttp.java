package dev.soldout.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A small asynchronous JSON client for the drill and the bench: many requests in flight, none
 * blocking.
 */
public final class JsonHttp {
  public record Answer(int status, JsonNode body) {}

  private final HttpClient client;

  public JsonHttp() {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
  }

  public JsonHttp(HttpClient client) {
    this.client = client;
  }

  /** @param headers name, value, name, value... */
  public CompletableFuture<Answer> get(String url, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
  }

  public CompletableFuture<Answer> post(String url, Object body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(write(body))), headers);
  }

  private CompletableFuture<Answer> send(HttpRequest.Builder request, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.sendAsync(request.timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> new Answer(response.statusCode(), read(response.body())));
  }

  /** A request body as JSON. */
  public static byte[] write(Object body) {
    try {
      return Json.mapper().writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** An answer's body: JSON, or its text when it is not JSON. */
  public static JsonNode read(byte[] body) {
    try {
      return body.length == 0 ? Json.mapper().nullNode() : Json.mapper().readTree(body);
    } catch (IOException notJson) {
      return Json.mapper().getNodeFactory().textNode(new String(body));
    }
  }
}
