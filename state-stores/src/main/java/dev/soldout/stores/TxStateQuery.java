package dev.soldout.stores;

import dev.soldout.events.TxState;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries on the tx-state store: answers locally when this instance hosts the key's
 * partition as active, and otherwise says which instance does, and which hold standbys, from the
 * streams metadata. While the active copy cannot be read (restoring after a rebalance, or the
 * metadata gone mid-rebalance) it answers from a local standby or restoring copy if that copy
 * is at most {@code maxStaleLag} changelog records behind, marked stale.
 */
public class TxStateQuery {
  private final KafkaStreams streams;
  private final HostInfo self;
  private final LocalLags lags;
  private final long maxStaleLag;

  public TxStateQuery(KafkaStreams streams, HostInfo self, LocalLags lags, long maxStaleLag) {
    this.streams = streams;
    this.self = self;
    this.lags = lags;
    this.maxStaleLag = maxStaleLag;
  }

  /** This instance's advertised base URL, as other instances forward to it. */
  public String selfUrl() {
    return url(self);
  }

  public TxLookup lookup(String paymentTxId) {
    KeyQueryMetadata metadata;
    try {
      metadata = streams.queryMetadataForKey(
          StoreNames.TX_STATE, paymentTxId, Serdes.String().serializer());
    } catch (RuntimeException notRunning) {
      return new TxLookup.Unavailable("streams not running: " + streams.state());
    }
    if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
      // Mid-rebalance the metadata may be gone while a local copy is still readable.
      return localCopy(paymentTxId, null);
    }
    HostInfo active = metadata.activeHost();
    if (!active.equals(self)) {
      List<String> standbys = metadata.standbyHosts().stream()
          .filter(h -> !h.equals(self)).map(TxStateQuery::url).sorted().toList();
      return new TxLookup.Elsewhere(url(active), standbys,
          metadata.standbyHosts().contains(self));
    }
    try {
      ReadOnlyKeyValueStore<String, TxState> store = streams.store(
          StoreQueryParameters.fromNameAndType(
              StoreNames.TX_STATE, QueryableStoreTypes.<String, TxState>keyValueStore())
              .withPartition(metadata.partition()));
      TxState state = store.get(paymentTxId);
      return state == null ? new TxLookup.NotFound() : new TxLookup.Found(state);
    } catch (RuntimeException notQueryable) {
      // Active here but restoring (or migrating): the copy may still be close enough.
      return localCopy(paymentTxId, metadata.partition());
    }
  }

  /** Reads the local standby or restoring copy, within the lag bound, for the key's partition. */
  public TxLookup localCopy(String paymentTxId) {
    try {
      KeyQueryMetadata metadata = streams.queryMetadataForKey(
          StoreNames.TX_STATE, paymentTxId, Serdes.String().serializer());
      boolean known = metadata != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(metadata);
      return localCopy(paymentTxId, known ? metadata.partition() : null);
    } catch (RuntimeException notRunning) {
      return new TxLookup.Unavailable("streams not running: " + streams.state());
    }
  }

  /**
   * Any local copy, active or not. A miss is never a 404 here: the transaction may be among the
   * records the copy has not applied yet.
   */
  private TxLookup localCopy(String paymentTxId, Integer partition) {
    OptionalLong lag = partition == null ? lags.max() : lags.of(partition);
    if (lag.isEmpty()) {
      return new TxLookup.Unavailable("no up-to-date local copy of the transaction's partition");
    }
    if (lag.getAsLong() > maxStaleLag) {
      return new TxLookup.Unavailable("the local copy is " + lag.getAsLong()
          + " records behind (more than " + maxStaleLag + ")");
    }
    TxState state;
    try {
      StoreQueryParameters<ReadOnlyKeyValueStore<String, TxState>> params =
          StoreQueryParameters.fromNameAndType(
              StoreNames.TX_STATE, QueryableStoreTypes.<String, TxState>keyValueStore())
              .enableStaleStores();
      state = streams.store(partition == null ? params : params.withPartition(partition))
          .get(paymentTxId);
    } catch (RuntimeException notQueryable) {
      return new TxLookup.Unavailable("no queryable copy here: " + notQueryable.getMessage());
    }
    if (state == null) {
      return new TxLookup.Unavailable("not in the local copy yet; its owner is moving");
    }
    return new TxLookup.Found(state, true, lag.getAsLong());
  }

  private static String url(HostInfo host) {
    return "http://" + host.host() + ":" + host.port();
  }
}
