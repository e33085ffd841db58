package dev.soldout.events;

import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic registry. Payment topics are keyed by paymentTxId. A prefix lets tests run
 * several isolated topologies on one broker; production uses the contract's names as they are.
 *
 * <p>Writers: the API writes payment.try (attempt 1); the topology writes payment.try (later
 * attempts), payment.charge, payment.cancel (commands), payment.tx-state and its own
 * payment.seat-commands (keyed by seat) and payment.seat-decisions (keyed by paymentTxId); the
 * payment worker writes payment.success, payment.retry and payment.failure (declined); the
 * compensation worker writes payment.cancel (completions); Kafka Streams writes payment.dlq.
 */
public record Topics(
    Topic<String, PaymentTry> paymentTry,
    Topic<String, ChargeRequest> paymentCharge,
    Topic<String, PaymentSuccess> paymentSuccess,
    Topic<String, PaymentRetry> paymentRetry,
    Topic<String, PaymentFailure> paymentFailure,
    Topic<String, PaymentCancel> paymentCancel,
    Topic<String, TxState> txState,
    Topic<String, SeatCommand> seatCommands,
    Topic<String, SeatDecision> seatDecisions,
    Topic<byte[], byte[]> dlq) {

  public static Topics withPrefix(String prefix) {
    Serde<String> key = Serdes.String();
    return new Topics(
        new Topic<>(prefix + "payment.try", key, new JsonSerde<>(PaymentTry.class)),
        new Topic<>(prefix + "payment.charge", key, new JsonSerde<>(ChargeRequest.class)),
        new Topic<>(prefix + "payment.success", key, new JsonSerde<>(PaymentSuccess.class)),
        new Topic<>(prefix + "payment.retry", key, new JsonSerde<>(PaymentRetry.class)),
        new Topic<>(prefix + "payment.failure", key, new JsonSerde<>(PaymentFailure.class)),
        new Topic<>(prefix + "payment.cancel", key, new JsonSerde<>(PaymentCancel.class)),
        new Topic<>(prefix + "payment.tx-state", key, new JsonSerde<>(TxState.class)),
        new Topic<>(prefix + "payment.seat-commands", key, new JsonSerde<>(SeatCommand.class)),
        new Topic<>(prefix + "payment.seat-decisions", key, new JsonSerde<>(SeatDecision.class)),
        new Topic<>(prefix + "payment.dlq", Serdes.ByteArray(), Serdes.ByteArray()));
  }

  public static Topics standard() {
    return withPrefix("");
  }

  /** Topics the app creates; tx-state is compacted, the rest keep their history. */
  public List<Topic<?, ?>> all() {
    return List.of(paymentTry, paymentCharge, paymentSuccess, paymentRetry, paymentFailure,
        paymentCancel, txState, seatCommands, seatDecisions, dlq);
  }

  public boolean isCompacted(Topic<?, ?> topic) {
    return topic.equals(txState);
  }
}
