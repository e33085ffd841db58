package dev.soldout.topology.saga;

import dev.soldout.events.TxState;
import java.util.List;

/**
 * The next state (null when the state does not change) and the effects to carry out, which a
 * late event may ask for even when the state stays as it is.
 */
public record Transition(TxState next, List<Effect> effects) {
  static final Transition NONE = new Transition(null, List.of());

  public boolean changed() {
    return next != null;
  }
}
