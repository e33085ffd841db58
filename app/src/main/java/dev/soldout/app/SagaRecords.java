package dev.soldout.app;

import dev.soldout.events.JsonSerde;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.stores.SeatClaim;
import dev.soldout.stores.StoreNames;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The saga's own records, read from Kafka as tables: the tx-state KTable (from its compacted
 * output topic payment.tx-state) and the seat ledger (from its store's changelog). These are the
 * truth the ops checks hold the projections against.
 */
record SagaRecords(Map<String, TxState> states, Map<String, SeatClaim> ledger) {

  static SagaRecords read(String kafka, Settings settings) {
    Topics topics = Topics.withPrefix(settings.topicPrefix());
    Map<String, TxState> states = TopicSnapshot.read(kafka, topics.txState().name(),
        new StringDeserializer(), topics.txState().valueSerde().deserializer());
    Map<String, SeatClaim> ledger = TopicSnapshot.read(kafka, ledgerChangelog(settings),
        new StringDeserializer(), new JsonSerde<>(SeatClaim.class).deserializer());
    return new SagaRecords(states, ledger);
  }

  /** Kafka Streams names a store's changelog {@code <application.id>-<store>-changelog}. */
  static String ledgerChangelog(Settings settings) {
    return settings.applicationId() + "-" + StoreNames.SEAT_LEDGER + "-changelog";
  }

  /** The ledger's record of a seat, keyed as the topology keys it ("performance/seat"). */
  SeatClaim seat(TxState s) {
    return ledger.get(s.seat().asString());
  }
}
