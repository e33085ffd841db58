package dev.soldout.pg.worker;

import dev.soldout.events.ChargeRequest;
import dev.soldout.events.FailureReason;
import dev.soldout.events.PaymentFailure;
import dev.soldout.events.PaymentRetry;
import dev.soldout.events.PaymentSuccess;
import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import dev.soldout.pg.client.ChargeOutcome;
import dev.soldout.pg.client.Transient;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The event the worker writes for a charge outcome, keyed by paymentTxId. */
public record OutcomeEvent<V>(Topic<String, V> topic, String key, V value) {

  /**
   * Approved → payment.success, Declined → payment.failure (DECLINED), Transient →
   * payment.retry, not before {@code now} plus the backoff for the request's attempt.
   */
  public static OutcomeEvent<?> of(Topics topics, ChargeRequest request, ChargeOutcome outcome,
      RetryBackoff backoff, Instant now) {
    String txId = request.paymentTxId();
    if (outcome instanceof ChargeOutcome.Approved approved) {
      return new OutcomeEvent<>(topics.paymentSuccess(), txId, new PaymentSuccess(
          txId, request.attempt(), approved.chargeId(), request.amount(), now));
    }
    if (outcome instanceof ChargeOutcome.Declined declined) {
      return new OutcomeEvent<>(topics.paymentFailure(), txId, new PaymentFailure(
          txId, request.attempt(), FailureReason.DECLINED, declined.reason(), now));
    }
    Transient failure = (Transient) outcome;
    return new OutcomeEvent<>(topics.paymentRetry(), txId, new PaymentRetry(txId,
        request.attempt(), failure.reason(), now.plus(backoff.delay(request.attempt())), now));
  }

  /** Serialized with the topic's own serdes, so one byte-array producer serves every topic. */
  public ProducerRecord<byte[], byte[]> toProducerRecord() {
    return new ProducerRecord<>(topic.name(),
        topic.keySerde().serializer().serialize(topic.name(), key),
        topic.valueSerde().serializer().serialize(topic.name(), value));
  }
}
