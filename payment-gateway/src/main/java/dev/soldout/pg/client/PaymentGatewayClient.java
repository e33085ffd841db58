package dev.soldout.pg.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asynchronous client of the PG's charge API. The paymentTxId is the idempotency key, so any
 * call may be repeated after a {@link Transient} outcome without charging twice. Every exchange
 * goes through the circuit breaker, time limiter and bulkhead of {@link GatewaySettings}.
 */
public final class PaymentGatewayClient implements AutoCloseable {
  private final URI baseUrl;
  private final ResilientHttp http;

  public PaymentGatewayClient(GatewaySettings settings) {
    this.baseUrl = settings.baseUrl();
    this.http = new ResilientHttp(settings);
  }

  /** Charges {@code amount} once per paymentTxId; never fails, a failure is a Transient. */
  public CompletionStage<ChargeOutcome> charge(String paymentTxId, long amount, String userId) {
    String body = json(Map.of("idempotencyKey", paymentTxId, "amount", amount, "userId", userId));
    HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve("/v1/charges"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    return http.send(request)
        .thenApply(PaymentGatewayClient::chargeOutcome)
        .exceptionally(Transient::of);
  }

  /**
   * Refunds the approved charge made under paymentTxId, if any. NOTHING_CHARGED means the PG has
   * no approved charge for it right now; a charge whose answer was lost may still land later,
   * so callers refund only once the transaction can no longer charge.
   */
  public CompletionStage<RefundOutcome> refund(String paymentTxId) {
    String key = URLEncoder.encode(paymentTxId, StandardCharsets.UTF_8);
    HttpRequest.Builder lookup =
        HttpRequest.newBuilder(baseUrl.resolve("/v1/charges?idempotencyKey=" + key)).GET();
    return http.send(lookup)
        .thenCompose(this::refundApproved)
        .exceptionally(Transient::of);
  }

  /** The breaker guarding the PG, for metrics and health. */
  public CircuitBreaker circuitBreaker() {
    return http.circuitBreaker();
  }

  private static ChargeOutcome chargeOutcome(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 200 || status == 201) {
      JsonNode charge = parse(response);
      return switch (charge.path("status").asText()) {
        case "APPROVED" -> new ChargeOutcome.Approved(charge.path("chargeId").asText());
        case "DECLINED" -> new ChargeOutcome.Declined(charge.path("declineReason").asText());
        default -> throw new IllegalStateException("PG answered an unknown charge: " + charge);
      };
    }
    if (status >= 400 && status < 500 && !ResilientHttp.isTroubleStatus(status)) {
      // The PG refuses this very request (e.g. key reused for another amount): resending it
      // cannot succeed, so it is as final as a decline.
      return new ChargeOutcome.Declined("PG_REJECTED_" + status + ": " + response.body());
    }
    return Transient.ofStatus(status, response.body());
  }

  private CompletionStage<RefundOutcome> refundApproved(HttpResponse<String> lookup) {
    if (lookup.statusCode() != 200) {
      return CompletableFuture.completedFuture(
          Transient.ofStatus(lookup.statusCode(), lookup.body()));
    }
    for (JsonNode charge : parse(lookup)) {
      if ("APPROVED".equals(charge.path("status").asText())) {
        String chargeId = charge.path("chargeId").asText();
        HttpRequest.Builder refund = HttpRequest.newBuilder(
                baseUrl.resolve("/v1/charges/" + chargeId + "/refund"))
            .POST(HttpRequest.BodyPublishers.noBody());
        return http.send(refund).thenApply(PaymentGatewayClient::refundOutcome);
      }
    }
    return CompletableFuture.completedFuture(new RefundOutcome.NothingCharged());
  }

  private static RefundOutcome refundOutcome(HttpResponse<String> response) {
    if (response.statusCode() == 200) {
      JsonNode charge = parse(response);
      return new RefundOutcome.Refunded(
          charge.path("chargeId").asText(), charge.path("refundedAmount").asLong());
    }
    return Transient.ofStatus(response.statusCode(), response.body());
  }

  private static JsonNode parse(HttpResponse<String> response) {
    try {
      return Json.mapper().readTree(response.body());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable PG answer: " + e.getOriginalMessage(), e);
    }
  }

  private static String json(Object value) {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
