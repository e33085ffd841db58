package dev.soldout.stores;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class TxStatusTallyTest {
  private final TxStatusTally tally = new TxStatusTally();

  private static KeyValue<String, TxState> stored(String id, TxStatus status) {
    Instant t = Instant.parse("2026-11-25T00:00:00Z");
    return KeyValue.pair(id, new TxState(id, status, "hold-" + id, "perf", "A-1", "fan", 100, 1,
        1, null, null, null, "", false, false, t, t, 1));
  }

  private static Map<TxStatus, Long> totals(long pending, long success, long failed,
      long cancelled) {
    return Map.of(TxStatus.PENDING, pending, TxStatus.SUCCESS, success, TxStatus.FAILED, failed,
        TxStatus.CANCELLED, cancelled);
  }

  @Test
  void a_task_counts_its_store_once_then_adds_each_move() {
    TxStatusTally.TaskCounts task = tally.open(List.of(stored("a", TxStatus.PENDING),
        stored("b", TxStatus.SUCCESS), stored("c", TxStatus.SUCCESS)).iterator());
    assertThat(tally.totals()).isEqualTo(totals(1, 2, 0, 0));

    task.moved(null, TxStatus.PENDING);
    task.moved(TxStatus.PENDING, TxStatus.FAILED);
    task.moved(TxStatus.FAILED, TxStatus.CANCELLED);
    task.moved(TxStatus.PENDING, TxStatus.PENDING);

    assertThat(tally.totals()).isEqualTo(totals(1, 2, 0, 1));
  }

  @Test
  void tasks_add_up_and_a_closed_task_no_longer_counts() {
    TxStatusTally.TaskCounts first = tally.open(List.of(stored("a", TxStatus.PENDING)).iterator());
    tally.open(List.of(stored("b", TxStatus.PENDING), stored("c", TxStatus.CANCELLED))
        .iterator());
    assertThat(tally.totals()).isEqualTo(totals(2, 0, 0, 1));

    first.close();

    assertThat(tally.totals()).isEqualTo(totals(1, 0, 0, 1));
  }

  @Test
  void no_task_reports_every_status_as_zero() {
    assertThat(tally.totals()).isEqualTo(totals(0, 0, 0, 0));
  }
}
