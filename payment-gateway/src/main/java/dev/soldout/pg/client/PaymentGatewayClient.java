package dev.soldout.pg.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
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
   * Voids the payment under paymentTxId: an approved charge is refunded, and if none has landed
   * yet the key is closed, so a charge whose answer was lost to a timeout is refused when it
   * arrives. Compensation therefore never races the charge it compensates.
   */
  public CompletionStage<RefundOutcome> refund(String paymentTxId) {
    HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve("/v1/charges/void"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("idempotencyKey", paymentTxId))));
    return http.send(request)
        .thenApply(PaymentGatewayClient::refundOutcome)
        .exceptionally(Transient::of);
  }

  /** The breaker guarding the PG, for metrics and health. */
  public CircuitBreaker circuitBreaker() {
    return http.circuitBreaker();
  }

  /** The bound on calls in flight to the PG, for metrics. */
  public Bulkhead bulkhead() {
    return http.bulkhead();
  }

  /** The per-call timeout, for metrics. */
  public TimeLimiter timeLimiter() {
    return http.timeLimiter();
  }

  private static ChargeOutcome chargeOutcome(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 200 || status == 201) {
      JsonNode charge = parse(response);
      return switch (charge.path("status").asText()) {
        case "APPROVED" -> new ChargeOutcome.Approved(charge.path("chargeId").asText());
        case "DECLINED" -> new ChargeOutcome.Declined(charge.path("declineReason").asText());
        case "VOIDED" -> new ChargeOutcome.Declined("VOIDED: the payment was cancelled");
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

  private static RefundOutcome refundOutcome(HttpResponse<String> response) {
    if (response.statusCode() == 200) {
      JsonNode charge = parse(response);
      return "APPROVED".equals(charge.path("status").asText())
          ? new RefundOutcome.Refunded(
              charge.path("chargeId").asText(), charge.path("refundedAmount").asLong())
          : new RefundOutcome.NothingCharged();
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
