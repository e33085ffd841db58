package dev.soldout.stores;

import dev.soldout.events.TxState;
import java.util.List;

/** Where the state of one transaction can be read right now. */
public sealed interface TxLookup {
  /**
   * This instance has the state: from the active store, or (stale) from a standby or restoring
   * copy that was at most {@code lagRecords} changelog records behind when last measured.
   */
  record Found(TxState state, boolean stale, long lagRecords) implements TxLookup {
    public Found(TxState state) {
      this(state, false, 0);
    }
  }

  /** This instance hosts the key's partition as active and has never seen the transaction. */
  record NotFound() implements TxLookup {}

  /**
   * Another instance hosts the key as active: {@code url} is its advertised base URL. The
   * standbys are where to ask if it does not answer; {@code standbyHere} says this instance has
   * one (read with {@link TxStateQuery#localCopy}).
   */
  record Elsewhere(String url, List<String> standbyUrls, boolean standbyHere)
      implements TxLookup {
    public Elsewhere(String url) {
      this(url, List.of(), false);
    }
  }

  /** Nobody can answer now (rebalance, restore, not running yet): ask again shortly. */
  record Unavailable(String reason) implements TxLookup {}
}
