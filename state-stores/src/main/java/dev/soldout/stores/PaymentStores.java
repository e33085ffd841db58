package dev.soldout.stores;

import dev.soldout.events.JsonSerde;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.TxState;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Builders of the topology's persistent stores; every one is changelogged (restored on failover). */
public final class PaymentStores {
  private PaymentStores() {}

  public static StoreBuilder<KeyValueStore<String, TxState>> txState() {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.TX_STATE), Serdes.String(),
        new JsonSerde<>(TxState.class));
  }

  public static StoreBuilder<KeyValueStore<String, PaymentTry>> retrySchedule() {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.RETRY_SCHEDULE), Serdes.String(),
        new JsonSerde<>(PaymentTry.class));
  }

  public static StoreBuilder<KeyValueStore<String, SeatClaim>> seatLedger() {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.SEAT_LEDGER), Serdes.String(),
        new JsonSerde<>(SeatClaim.class));
  }

  /**
   * Key of a due retry: zero-padded so that the byte order of keys is the order of due times,
   * and a range scan up to "now" finds exactly the retries that are due.
   */
  public static String retryKey(long dueEpochMillis, String paymentTxId) {
    return String.format("%015d|%s", dueEpochMillis, paymentTxId);
  }

  public static String retryKeyUpperBound(long nowEpochMillis) {
    return String.format("%015d|~", nowEpochMillis);
  }
}
