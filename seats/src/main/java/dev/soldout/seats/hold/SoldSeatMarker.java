package dev.soldout.seats.hold;

import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.events.follow.TopicFollower;
import java.util.List;
import java.util.Map;

/**
 * Mirrors successful payments into Redis: the seat becomes SOLD for the seat map and can never be
 * held again, and the spent hold is removed. Marking twice is harmless, so replays are safe.
 */
public class SoldSeatMarker implements TopicFollower.BatchHandler<TxState> {
  private final HoldStore holds;

  public SoldSeatMarker(HoldStore holds) {
    this.holds = holds;
  }

  @Override
  public void apply(List<Map.Entry<String, TxState>> batch) {
    for (var entry : batch) {
      TxState state = entry.getValue();
      if (state != null && state.status() == TxStatus.SUCCESS) {
        holds.markSold(state.seat(), state.holdId(), state.paymentTxId());
      }
    }
  }
}
