package dev.soldout.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.api.status.TxWaiters.Wake;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The waiter registry alone: no Kafka, no HTTP; completions run inline to be observable. */
class TxWaitersTest {
  private static final Duration LONG = Duration.ofMinutes(5);

  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final TxWaiters waiters = new TxWaiters(timer, Runnable::run, 100);

  {
    timer.setRemoveOnCancelPolicy(true);
  }

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private static TxState state(String tx, TxStatus status, int attempts) {
    Instant t = Instant.parse("2026-03-01T10:00:00Z");
    return new TxState(tx, status, "h", "p", "A-1", "u", 100, 1, attempts, null, null, null,
        "m", true, false, t, t, 1);
  }

  @Test
  void a_change_the_waiter_waits_for_wakes_it_and_removes_it() {
    TxWaiters.Waiter waiter = waiters.await("tx-1", s -> s.status() != TxStatus.PENDING, LONG);
    assertThat(waiters.count()).isEqualTo(1);

    waiters.changed(state("tx-1", TxStatus.PENDING, 1));
    assertThat(waiter.future()).as("a change it does not wait for").isNotDone();

    TxState success = state("tx-1", TxStatus.SUCCESS, 1);
    waiters.changed(success);
    assertThat(waiter.future()).isCompletedWithValue(new Wake.Changed(success));
    assertThat(waiters.count()).isZero();
    assertThat(timer.getQueue()).as("its timeout is cancelled").isEmpty();
  }

  @Test
  void every_waiter_of_a_transaction_wakes_and_no_other() {
    List<TxWaiters.Waiter> mine = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      mine.add(waiters.await("tx-1", s -> true, LONG));
    }
    TxWaiters.Waiter other = waiters.await("tx-2", s -> true, LONG);

    waiters.changed(state("tx-1", TxStatus.SUCCESS, 1));

    assertThat(mine).allSatisfy(w -> assertThat(w.future()).isDone());
    assertThat(other.future()).isNotDone();
    assertThat(waiters.count()).isEqualTo(1);
  }

  @Test
  void a_waiter_whose_time_is_up_is_answered_and_removed() {
    TxWaiters.Waiter waiter = waiters.await("tx-1", s -> true, Duration.ofMillis(50));

    assertThat(waiter.future()).succeedsWithin(Duration.ofSeconds(5))
        .isEqualTo(new Wake.TimedOut());
    assertThat(waiters.count()).isZero();
  }

  @Test
  void when_partitions_move_every_waiter_is_answered_at_once() {
    TxWaiters.Waiter a = waiters.await("tx-1", s -> true, LONG);
    TxWaiters.Waiter b = waiters.await("tx-2", s -> true, LONG);

    waiters.movedAll();

    assertThat(a.future()).isCompletedWithValue(new Wake.Moved());
    assertThat(b.future()).isCompletedWithValue(new Wake.Moved());
    assertThat(waiters.count()).isZero();
  }

  @Test
  void a_cancelled_waiter_is_removed_without_an_answer() {
    TxWaiters.Waiter waiter = waiters.await("tx-1", s -> true, LONG);

    waiter.cancel();
    waiters.changed(state("tx-1", TxStatus.SUCCESS, 1));

    assertThat(waiter.future()).isNotDone();
    assertThat(waiters.count()).isZero();
  }

  @Test
  void beyond_the_cap_a_request_is_answered_at_once_instead_of_waiting() {
    TxWaiters small = new TxWaiters(timer, Runnable::run, 2);
    small.await("tx-1", s -> true, LONG);
    small.await("tx-2", s -> true, LONG);

    TxWaiters.Waiter third = small.await("tx-3", s -> true, LONG);

    assertThat(third.future()).isCompletedWithValue(new Wake.TimedOut());
    assertThat(small.count()).isEqualTo(2);
  }

  @Test
  void waiters_ending_from_many_threads_at_once_all_leave_the_registry() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < 2_000; i++) {
        String tx = "tx-" + (i % 10);
        waiters.await(tx, s -> true, Duration.ofMillis(i % 20));
        if (i % 3 == 0) {
          pool.execute(() -> waiters.changed(state(tx, TxStatus.SUCCESS, 1)));
        }
      }
      pool.execute(waiters::movedAll);
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> waiters.count() == 0);
  }
}
