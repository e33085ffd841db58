package dev.soldout.api.status;

import dev.soldout.events.TxState;
import dev.soldout.stores.TxStateListener;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Long-polling status requests waiting for their transaction to change. A waiter is a future,
 * not a thread: it ends when the tx-state machine reports a change it waits for, when its time is
 * up (one shared timer for all), or when this instance's partitions move. Whatever ends it
 * removes it. Futures are completed on {@code completions}, never on the caller: the caller of
 * {@link #changed} is a stream thread, and the timer must stay free to fire the next timeout.
 */
public final class TxWaiters implements TxStateListener {
  /** Why a waiter ended. */
  public sealed interface Wake {
    record Changed(TxState state) implements Wake {}

    record TimedOut() implements Wake {}

    /** The partitions moved (rebalance): the caller looks the transaction up again. */
    record Moved() implements Wake {}
  }

  /** A registered waiter; {@link #cancel} it when the answer came another way. */
  public final class Waiter {
    private final String paymentTxId;
    private final Predicate<TxState> wakeOn;
    private final CompletableFuture<Wake> future = new CompletableFuture<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;

    private Waiter(String paymentTxId, Predicate<TxState> wakeOn) {
      this.paymentTxId = paymentTxId;
      this.wakeOn = wakeOn;
    }

    public CompletableFuture<Wake> future() {
      return future;
    }

    public void cancel() {
      end(this, null);
    }
  }

  private final ConcurrentHashMap<String, Set<Waiter>> byTx = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private final ScheduledExecutorService timer;
  private final Executor completions;
  private final int maxWaiters;

  /**
   * @param maxWaiters beyond this many, a request gets its answer at once instead of waiting:
   *     waiting is cheap but not free (a connection and a few hundred bytes each)
   */
  public TxWaiters(ScheduledExecutorService timer, Executor completions, int maxWaiters) {
    this.timer = timer;
    this.completions = completions;
    this.maxWaiters = maxWaiters;
  }

  /** Waits at most {@code max} for a change of {@code paymentTxId} that {@code wakeOn} accepts. */
  public Waiter await(String paymentTxId, Predicate<TxState> wakeOn, Duration max) {
    Waiter waiter = new Waiter(paymentTxId, wakeOn);
    if (count.incrementAndGet() > maxWaiters) {
      count.decrementAndGet();
      waiter.done.set(true);
      waiter.future.complete(new Wake.TimedOut());
      return waiter;
    }
    byTx.compute(paymentTxId, (id, set) -> {
      Set<Waiter> waiters = set == null ? ConcurrentHashMap.newKeySet() : set;
      waiters.add(waiter);
      return waiters;
    });
    waiter.timeout = timer.schedule(() -> end(waiter, new Wake.TimedOut()),
        max.toMillis(), TimeUnit.MILLISECONDS);
    if (waiter.done.get()) {
      waiter.timeout.cancel(false);
    }
    return waiter;
  }

  /** From the tx-state machine's stream thread: wakes the waiters this change is for. */
  @Override
  public void changed(TxState state) {
    Set<Waiter> waiters = byTx.get(state.paymentTxId());
    if (waiters == null) {
      return;
    }
    for (Waiter waiter : waiters) {
      if (waiter.wakeOn.test(state)) {
        end(waiter, new Wake.Changed(state));
      }
    }
  }

  /** Every waiter is answered now: the instance's partitions are moving. */
  public void movedAll() {
    for (Set<Waiter> waiters : byTx.values()) {
      for (Waiter waiter : waiters) {
        end(waiter, new Wake.Moved());
      }
    }
  }

  /** Waiters now registered; a gauge. */
  public int count() {
    return count.get();
  }

  private void end(Waiter waiter, Wake wake) {
    if (!waiter.done.compareAndSet(false, true)) {
      return;
    }
    byTx.computeIfPresent(waiter.paymentTxId, (id, set) -> {
      set.remove(waiter);
      return set.isEmpty() ? null : set;
    });
    count.decrementAndGet();
    ScheduledFuture<?> timeout = waiter.timeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (wake != null) {
      completions.execute(() -> waiter.future.complete(wake));
    }
  }
}
