package dev.soldout.topology;

import dev.soldout.events.ChargeRequest;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.SeatCommand;
import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.stores.PaymentStores;
import dev.soldout.stores.StoreNames;
import dev.soldout.topology.ledger.SeatLedgerProcessor;
import dev.soldout.topology.saga.TxEvent;
import dev.soldout.topology.saga.TxStateProcessor;
import dev.soldout.topology.saga.TxTransitions;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The payment saga. Every event of a transaction is folded, keyed by paymentTxId, into the
 * tx-state store; seat claims take a detour through the seat ledger, keyed by seat, so that all
 * claims on one seat are decided one after the other.
 *
 * <pre>
 * payment.try ─┐
 * payment.success, .retry, .failure, .cancel (completions), payment.seat-decisions
 *              └─▶ tx-state machine ─▶ payment.tx-state, payment.charge, payment.cancel,
 *                                      payment.try (due retries), payment.seat-commands
 * payment.seat-commands ─▶ seat ledger ─▶ payment.seat-decisions
 * </pre>
 */
public final class PaymentTopology {
  private PaymentTopology() {}

  /**
   * @param streamsConfig the application's Streams properties: the builder must see them, or
   *     checks such as ensure.explicit.internal.resource.naming are never applied
   */
  public static Topology build(Topics topics, TopologySettings settings,
      Properties streamsConfig) {
    StreamsBuilder builder =
        new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsConfig)));
    builder.addStateStore(PaymentStores.txState());
    builder.addStateStore(PaymentStores.retrySchedule());
    builder.addStateStore(PaymentStores.seatLedger());

    KStream<String, TxEvent> events = source(builder, topics.paymentTry(), TxEvent.Tried::new)
        .merge(source(builder, topics.seatDecisions(), TxEvent.SeatDecided::new),
            Named.as("merge-seat-decisions"))
        .merge(source(builder, topics.paymentSuccess(), TxEvent.Succeeded::new),
            Named.as("merge-success"))
        .merge(source(builder, topics.paymentRetry(), TxEvent.RetryRequested::new),
            Named.as("merge-retry"))
        .merge(source(builder, topics.paymentFailure(), TxEvent.Failed::new),
            Named.as("merge-failure"))
        // Compensation commands and completions share payment.cancel; only completions are events.
        .merge(source(builder, topics.paymentCancel(), PaymentCancel::completed,
            TxEvent.Compensated::new), Named.as("merge-compensated"));

    TxTransitions transitions = new TxTransitions(settings.maxAttempts());
    KStream<String, Object> outputs = events.process(
        () -> new TxStateProcessor(transitions, settings.retryTick(),
            settings.txStateListener(), settings.statusTally()),
        Named.as("tx-state-machine"), StoreNames.TX_STATE, StoreNames.RETRY_SCHEDULE);
    route(outputs, TxState.class, topics.txState());
    route(outputs, ChargeRequest.class, topics.paymentCharge());
    route(outputs, PaymentCancel.class, topics.paymentCancel());
    route(outputs, PaymentTry.class, topics.paymentTry());
    route(outputs, SeatCommand.class, topics.seatCommands());

    builder.stream(topics.seatCommands().name(), consumed(topics.seatCommands()))
        .process(SeatLedgerProcessor::new, Named.as("seat-ledger"), StoreNames.SEAT_LEDGER)
        .to(topics.seatDecisions().name(), produced(topics.seatDecisions()));
    return builder.build();
  }

  /** A null value is malformed: failing here sends the record to the DLQ with the reason. */
  private static <V> KStream<String, TxEvent> source(
      StreamsBuilder builder, Topic<String, V> topic, Function<V, TxEvent> asEvent) {
    return source(builder, topic, value -> true, asEvent);
  }

  private static <V> KStream<String, TxEvent> source(StreamsBuilder builder,
      Topic<String, V> topic, Predicate<V> isEvent, Function<V, TxEvent> asEvent) {
    return builder.stream(topic.name(), consumed(topic))
        .filter((key, value) -> value == null || isEvent.test(value),
            Named.as(topic.name() + "-events"))
        .mapValues(value -> {
          if (value == null) {
            throw new IllegalArgumentException("null value on " + topic.name());
          }
          return asEvent.apply(value);
        }, Named.as(topic.name() + "-as-event"));
  }

  private static <T> void route(KStream<String, Object> outputs, Class<T> type,
      Topic<String, T> topic) {
    outputs.filter((key, value) -> type.isInstance(value), Named.as("to-" + topic.name()))
        .mapValues(type::cast, Named.as("as-" + topic.name()))
        .to(topic.name(), produced(topic));
  }

  private static <K, V> Consumed<K, V> consumed(Topic<K, V> topic) {
    return Consumed.with(topic.keySerde(), topic.valueSerde()).withName(topic.name() + "-source");
  }

  private static <K, V> Produced<K, V> produced(Topic<K, V> topic) {
    return Produced.with(topic.keySerde(), topic.valueSerde()).withName(topic.name() + "-sink");
  }
}
