package dev.soldout.topology.saga;

import dev.soldout.events.ChargeRequest;
import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.SeatCommand;
import dev.soldout.events.TxState;
import dev.soldout.stores.PaymentStores;
import dev.soldout.stores.StoreNames;
import dev.soldout.stores.TxStateListener;
import dev.soldout.stores.TxStatusTally;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds every event of a transaction into the tx-state store and turns the transition's effects
 * into output records. Retries wait in a store ordered by due time and are re-emitted by a
 * wall-clock punctuator, so no stream thread ever sleeps.
 */
public class TxStateProcessor implements Processor<String, TxEvent, String, Object> {
  private static final Logger log = LoggerFactory.getLogger(TxStateProcessor.class);
  /** Bounds one punctuation so a burst of due retries cannot starve record processing. */
  private static final int MAX_RETRIES_PER_TICK = 1_000;

  private final TxTransitions transitions;
  private final Duration retryTick;
  private final TxStateListener listener;
  private final TxStatusTally tally;
  private ProcessorContext<String, Object> context;
  private TxStatusTally.TaskCounts counts;
  private KeyValueStore<String, TxState> states;
  private KeyValueStore<String, PaymentTry> retries;

  public TxStateProcessor(TxTransitions transitions, Duration retryTick,
      TxStateListener listener, TxStatusTally tally) {
    this.transitions = transitions;
    this.retryTick = retryTick;
    this.listener = listener;
    this.tally = tally;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.states = context.getStateStore(StoreNames.TX_STATE);
    this.retries = context.getStateStore(StoreNames.RETRY_SCHEDULE);
    try (var stored = states.all()) {
      counts = tally.open(stored);
    }
    context.schedule(retryTick, PunctuationType.WALL_CLOCK_TIME, this::emitDueRetries);
  }

  @Override
  public void process(Record<String, TxEvent> record) {
    Instant now = now();
    TxState current = states.get(record.key());
    Transition transition = transitions.apply(current, record.value(), now);
    TxState state = transition.changed() ? transition.next() : current;
    if (transition.changed()) {
      states.put(record.key(), state);
      counts.moved(current == null ? null : current.status(), state.status());
      context.forward(record.withValue(state));
      notifyChange(state);
    }
    for (Effect effect : transition.effects()) {
      carryOut(record, state, effect, now);
    }
  }

  /** A listener's failure must never fail the record: it would go to the DLQ for nothing. */
  private void notifyChange(TxState state) {
    try {
      listener.changed(state);
    } catch (RuntimeException e) {
      log.warn("tx-state listener failed on {}: {}", state.paymentTxId(), e.toString());
    }
  }

  private void carryOut(Record<String, TxEvent> record, TxState s, Effect effect, Instant now) {
    if (effect instanceof Effect.ClaimSeat) {
      forwardSeatCommand(record, s, SeatCommand.Type.CLAIM, now);
    } else if (effect instanceof Effect.ConfirmSeat) {
      forwardSeatCommand(record, s, SeatCommand.Type.CONFIRM, now);
    } else if (effect instanceof Effect.ReleaseSeat) {
      forwardSeatCommand(record, s, SeatCommand.Type.RELEASE, now);
    } else if (effect instanceof Effect.Charge charge) {
      context.forward(record.withValue(
          new ChargeRequest(s.paymentTxId(), s.userId(), s.amount(), charge.attempt(), now)));
    } else if (effect instanceof Effect.ScheduleRetry retry) {
      retries.put(
          PaymentStores.retryKey(retry.due().toEpochMilli(), s.paymentTxId()), retry.next());
    } else if (effect instanceof Effect.Compensate compensate) {
      context.forward(record.withValue(
          new PaymentCancel(s.paymentTxId(), s.holdId(), s.performanceId(), s.seatId(),
              s.amount(), s.reason(), compensate.refundNeeded(), false, now)));
    }
  }

  private void forwardSeatCommand(
      Record<String, TxEvent> record, TxState s, SeatCommand.Type type, Instant now) {
    SeatCommand command = new SeatCommand(type, s.paymentTxId(), s.performanceId(), s.seatId(),
        s.fencingToken(), now);
    context.forward(record.withKey(s.seat().asString()).withValue(command));
  }

  private void emitDueRetries(long nowMs) {
    int emitted = 0;
    try (var due = retries.range(null, PaymentStores.retryKeyUpperBound(nowMs))) {
      while (due.hasNext() && emitted++ < MAX_RETRIES_PER_TICK) {
        var entry = due.next();
        retries.delete(entry.key);
        PaymentTry next = entry.value;
        context.forward(new Record<>(next.paymentTxId(), next, nowMs));
      }
    }
  }

  @Override
  public void close() {
    if (counts != null) { // null when init failed
      counts.close();
    }
  }

  private Instant now() {
    return Instant.ofEpochMilli(context.currentSystemTimeMs());
  }
}
