package dev.soldout.bench.rush;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatisticsTest {
  @Test
  void percentiles_are_nearest_rank_over_every_latency() {
    Latencies l = new Latencies();
    for (int ms = 100; ms >= 1; ms--) {
      l.add(ms * 1_000_000L);
    }
    assertThat(l.summary()).containsEntry("count", 100).containsEntry("p50Ms", 50.0)
        .containsEntry("p90Ms", 90.0).containsEntry("p99Ms", 99.0).containsEntry("maxMs", 100.0);
  }

  @Test
  void the_sustained_rate_leaves_out_the_first_and_last_tenth() {
    Events e = new Events();
    // 1,000 events a second for 10 s, then one straggler 50 s later.
    for (int i = 0; i < 10_000; i++) {
      e.mark(i * 1_000_000L);
    }
    e.mark(60_000_000_000L);
    assertThat(e.sustainedPerSecond()).isBetween(990.0, 1010.0);
    assertThat(e.rates(0)).containsEntry("peakPerS", 1000);
  }

  @Test
  void a_seat_taken_leaves_the_pool_and_one_seen_available_comes_back() {
    SeatPool pool = new SeatPool(List.of(new SeatPool.Seat(0, "A-1", 1),
        new SeatPool.Seat(1, "A-2", 1), new SeatPool.Seat(2, "A-3", 1)));
    Random random = new Random(1);
    pool.taken(new SeatPool.Seat(1, "A-2", 1));
    pool.taken(new SeatPool.Seat(1, "A-2", 1));
    assertThat(pool.freeCount()).isEqualTo(2);
    for (int i = 0; i < 50; i++) {
      assertThat(pool.pick(random).seatId()).isNotEqualTo("A-2");
    }
    pool.taken(new SeatPool.Seat(0, "A-1", 1));
    pool.taken(new SeatPool.Seat(2, "A-3", 1));
    assertThat(pool.pick(random)).isNull();
    pool.available("A-3");
    assertThat(pool.pick(random).seatId()).isEqualTo("A-3");
  }
}
