package dev.soldout.stores;

import dev.soldout.events.TxState;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries on the tx-state store: answers locally when this instance hosts the key's
 * partition, and otherwise says which instance does, from the streams metadata.
 */
public class TxStateQuery {
  private final KafkaStreams streams;
  private final HostInfo self;

  public TxStateQuery(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  public TxLookup lookup(String paymentTxId) {
    KeyQueryMetadata metadata;
    try {
      metadata = streams.queryMetadataForKey(
          StoreNames.TX_STATE, paymentTxId, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      return new TxLookup.Unavailable("streams not running: " + streams.state());
    }
    if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
      return new TxLookup.Unavailable("no instance hosts the transaction's partition yet");
    }
    HostInfo active = metadata.activeHost();
    if (!active.equals(self)) {
      return new TxLookup.Elsewhere("http://" + active.host() + ":" + active.port());
    }
    try {
      ReadOnlyKeyValueStore<String, TxState> store = streams.store(
          StoreQueryParameters.fromNameAndType(
              StoreNames.TX_STATE, QueryableStoreTypes.<String, TxState>keyValueStore())
              .withPartition(metadata.partition()));
      TxState state = store.get(paymentTxId);
      return state == null ? new TxLookup.NotFound() : new TxLookup.Found(state);
    } catch (InvalidStateStoreException e) {
      return new TxLookup.Unavailable("store not queryable: " + e.getMessage());
    }
  }
}
