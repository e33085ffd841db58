package dev.soldout.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A small asynchronous JSON client for the drill, the benches and the chaos load: many requests
 * in flight, none blocking, over at most {@code connections} kept-alive connections per server.
 * Requests beyond them wait in the client's queue (their wait counts in their latency), so a
 * burst of fans never becomes a burst of new connections; the JDK client opened one per request
 * in flight, and its CPU cost made the load generator the bottleneck of the rush it measured.
 */
public final class JsonHttp implements AutoCloseable {
  public record Answer(int status, JsonNode body) {}

  private static final int MAX_BODY = 64 * 1024 * 1024;

  private final HttpClient client = new HttpClient();
  private final long timeoutMs;

  /** 64 connections per server, 10 s per request. */
  public JsonHttp() {
    this(64, Duration.ofSeconds(10));
  }

  /** @param timeout per request, from when it is sent: a wait for a connection counts */
  public JsonHttp(int connections, Duration timeout) {
    this.timeoutMs = timeout.toMillis();
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("json-http");
    threads.setDaemon(true);
    client.setExecutor(threads);
    client.setMaxConnectionsPerDestination(connections);
    client.setMaxRequestsQueuedPerDestination(Integer.MAX_VALUE);
    client.setConnectTimeout(5_000);
    client.setFollowRedirects(false);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTP client", e);
    }
  }

  /** @param headers name, value, name, value... */
  public CompletableFuture<Answer> get(String url, String... headers) {
    return send(client.newRequest(url).method(HttpMethod.GET), headers);
  }

  public CompletableFuture<Answer> post(String url, Object body, String... headers) {
    return send(client.newRequest(url).method(HttpMethod.POST)
        .body(new BytesRequestContent("application/json", write(body))), headers);
  }

  private CompletableFuture<Answer> send(Request request, String... headers) {
    request.headers(h -> {
      for (int i = 0; i < headers.length; i += 2) {
        h.put(headers[i], headers[i + 1]);
      }
    });
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    request.timeout(timeoutMs, TimeUnit.MILLISECONDS).send(new BufferingResponseListener(MAX_BODY) {
      @Override
      public void onComplete(org.eclipse.jetty.client.Result result) {
        if (result.isFailed()) {
          answer.completeExceptionally(result.getFailure());
        } else {
          answer.complete(new Answer(result.getResponse().getStatus(), read(getContent())));
        }
      }
    });
    return answer;
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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
