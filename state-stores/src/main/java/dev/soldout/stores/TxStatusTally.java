package dev.soldout.stores;

import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.streams.KeyValue;

/**
 * Transactions per status in the tx-state partitions this instance runs as active tasks, kept
 * as the state machine writes them: a task counts its store once when it starts and then adds
 * each transition, so reading the totals costs a few additions. Counted from the store every
 * 30 s instead, the gauge took 8 % of an instance's CPU in an on-sale rush, growing with the
 * sales history.
 */
public final class TxStatusTally {
  private final Set<TaskCounts> tasks = ConcurrentHashMap.newKeySet();

  /** One task's counts: changed by its stream thread only, read by any thread. */
  public final class TaskCounts implements AutoCloseable {
    private final AtomicLongArray byStatus = new AtomicLongArray(TxStatus.values().length);

    private TaskCounts() {}

    /** A transaction moved from one status to another; from is null for a new one. */
    public void moved(TxStatus from, TxStatus to) {
      if (from == to) {
        return;
      }
      if (from != null) {
        byStatus.decrementAndGet(from.ordinal());
      }
      byStatus.incrementAndGet(to.ordinal());
    }

    /** The task left this instance (or closed to be restored): its transactions no longer count. */
    @Override
    public void close() {
      tasks.remove(this);
    }
  }

  /** Starts counting a task whose store holds these transactions. */
  public TaskCounts open(Iterator<KeyValue<String, TxState>> stored) {
    TaskCounts counts = new TaskCounts();
    stored.forEachRemaining(entry -> counts.moved(null, entry.value.status()));
    tasks.add(counts);
    return counts;
  }

  /** Every status, 0 where none. */
  public Map<TxStatus, Long> totals() {
    Map<TxStatus, Long> totals = new EnumMap<>(TxStatus.class);
    for (TxStatus status : TxStatus.values()) {
      long sum = 0;
      for (TaskCounts task : tasks) {
        sum += task.byStatus.get(status.ordinal());
      }
      totals.put(status, sum);
    }
    return totals;
  }
}
