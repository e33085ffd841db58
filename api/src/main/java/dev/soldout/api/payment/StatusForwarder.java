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

  public StatusForwarder(Duration timeout) {
    this.timeout = timeout;
  }

  public CompletableFuture<HttpResponse<byte[]>> forward(String baseUrl, String pathAndQuery) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
        .timeout(timeout).header(FORWARDED_HEADER, "1").GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
  }
}
