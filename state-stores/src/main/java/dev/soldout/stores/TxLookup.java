package dev.soldout.stores;

import dev.soldout.events.TxState;

/** Where the state of one transaction can be read right now. */
public sealed interface TxLookup {
  /** This instance hosts the key's partition and found the state. */
  record Found(TxState state) implements TxLookup {}

  /** This instance hosts the key's partition and has never seen the transaction. */
  record NotFound() implements TxLookup {}

  /** Another instance hosts the key: {@code url} is its advertised base URL. */
  record Elsewhere(String url) implements TxLookup {}

  /** Nobody can answer now (rebalance, restore, not running yet): ask again shortly. */
  record Unavailable(String reason) implements TxLookup {}
}
