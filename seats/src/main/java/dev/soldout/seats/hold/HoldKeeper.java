package dev.soldout.seats.hold;

import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.events.follow.TopicFollower;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows payment.tx-state and keeps each hold in step with its payment: alive while the payment
 * is in flight, spent and its seat SOLD once it succeeds, no longer extended once it fails (the
 * compensation releases it). Every step is idempotent, so a replayed batch is harmless. Sales go
 * to the database first, in one batch, so they land even while Redis is down.
 */
public class HoldKeeper implements TopicFollower.BatchHandler<TxState> {
  private final HoldStore holds;
  private final Consumer<TxState> paymentEnded;

  public HoldKeeper(HoldStore holds) {
    this(holds, state -> { });
  }

  /**
   * @param paymentEnded hears each payment that reached SUCCESS or CANCELLED (the waiting room
   *     frees the fan's admission); it must not throw, and may hear a payment twice
   */
  public HoldKeeper(HoldStore holds, Consumer<TxState> paymentEnded) {
    this.holds = holds;
    this.paymentEnded = paymentEnded;
  }

  @Override
  public void apply(List<Map.Entry<String, TxState>> batch) {
    List<SeatSales.Sale> sold = new ArrayList<>();
    for (var entry : batch) {
      TxState state = entry.getValue();
      if (state != null && state.status() == TxStatus.SUCCESS) {
        sold.add(new SeatSales.Sale(state.seat(), state.paymentTxId(), state.userId(),
            state.updatedAt()));
      }
    }
    holds.recordSales(sold);
    for (var entry : batch) {
      TxState state = entry.getValue();
      if (state == null) {
        continue;
      }
      if (state.status() == TxStatus.PENDING) {
        holds.keepAlive(state.holdId());
      } else if (state.status() == TxStatus.SUCCESS) {
        holds.markSold(state.seat(), state.holdId(), state.paymentTxId());
      } else {
        holds.stopKeeping(state.holdId());
      }
      if (state.status() == TxStatus.SUCCESS || state.status() == TxStatus.CANCELLED) {
        paymentEnded.accept(state);
      }
    }
  }
}
