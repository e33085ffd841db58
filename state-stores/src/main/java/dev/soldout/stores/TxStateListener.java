package dev.soldout.stores;

import dev.soldout.events.TxState;

/**
 * Told of every change the tx-state machine writes, so that a status query waiting for a
 * transaction can answer at once instead of polling the store. Called on a stream thread, inside
 * the open Kafka transaction (the same view an interactive query has): an implementation must
 * return at once and must never throw.
 */
@FunctionalInterface
public interface TxStateListener {
  TxStateListener NONE = state -> {};

  void changed(TxState state);
}
