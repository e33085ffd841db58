package dev.soldout.api.payment;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Forwards a status query to the instance that hosts the transaction: one hop, bounded. */
public class StatusForwarder {
  /** Marks a forwarded request, so that the receiver answers itself and never forwards again. */
  public static final String FORWARDED_HEADER = "X-Soldout-Forwarded";

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1)).build();
  private final Duration timeout;

  /** @param timeout of a plain query; a long-poll adds its wait to it */
  public StatusForwarder(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * @param wait how long the receiver may hold the request (a forwarded waitMs)
   * @param authorization the fan's own Authorization header, relayed so that the receiver
   *     authenticates the fan itself; null when there is none
   */
  public CompletableFuture<HttpResponse<byte[]>> forward(String baseUrl, String pathAndQuery,
      Duration wait, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
        .timeout(timeout.plus(wait)).header(FORWARDED_HEADER, "1").GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
