package dev.soldout.seats.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.soldout.devstack.TestServices;
import dev.soldout.events.SeatKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Holds against a real Redis (REDIS_URL, or one the tests start). */
class HoldStoreTest {
  private static RedisClient redis;
  private HoldStore holds = store(Duration.ofMinutes(5));
  private final SeatKey seat = new SeatKey("perf-1", "A-1");

  @BeforeAll
  static void connect() {
    redis = RedisClient.create(TestServices.redisUrl());
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  private static HoldStore store(Duration ttl) {
    return new HoldStore(redis, "test:" + UUID.randomUUID() + ":", ttl, Clock.systemUTC());
  }

  private static HoldStore store(HoldPolicy policy, HoldListener listener) {
    return new HoldStore(redis, "test:" + UUID.randomUUID() + ":", null, policy,
        Clock.systemUTC(), listener);
  }

  @Test
  void a_free_seat_is_held_with_a_fencing_token_and_can_be_found() {
    Hold hold = holds.take(seat, "fan-1");

    assertThat(hold.fencingToken()).isPositive();
    assertThat(holds.find(hold.holdId())).contains(hold);
    assertThat(holds.states(List.of(seat))).containsExactly(SeatState.HELD);
  }

  @Test
  void a_held_seat_cannot_be_held_by_another_fan() {
    holds.take(seat, "fan-1");

    assertThatThrownBy(() -> holds.take(seat, "fan-2"))
        .isInstanceOf(HoldRejectedException.class).hasMessageContaining("held");
  }

  @Test
  void every_new_hold_of_a_seat_gets_a_larger_fencing_token() {
    Hold first = holds.take(seat, "fan-1");
    holds.release(first);
    Hold second = holds.take(seat, "fan-2");

    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
  }

  @Test
  void release_is_compare_and_delete_so_an_old_hold_cannot_free_a_newer_one() {
    HoldStore shortHolds = store(Duration.ofMillis(200));
    Hold old = shortHolds.take(seat, "fan-1");
    await().atMost(Duration.ofSeconds(3)).until(() -> shortHolds.find(old.holdId()).isEmpty());
    Hold newer = shortHolds.take(seat, "fan-2");

    assertThat(shortHolds.release(old)).isFalse();
    assertThat(shortHolds.states(List.of(seat))).containsExactly(SeatState.HELD);
    assertThat(shortHolds.find(newer.holdId())).isPresent();
  }

  @Test
  void a_hold_expires_after_its_ttl_and_frees_the_seat() {
    HoldStore shortHolds = store(Duration.ofMillis(200));
    Hold hold = shortHolds.take(seat, "fan-1");

    await().atMost(Duration.ofSeconds(3)).until(() -> shortHolds.find(hold.holdId()).isEmpty());
    assertThat(shortHolds.states(List.of(seat))).containsExactly(SeatState.AVAILABLE);
  }

  @Test
  void the_listener_hears_each_attempt_and_each_redis_call() {
    List<HoldListener.Attempt> attempts = new ArrayList<>();
    List<String> calls = new ArrayList<>();
    HoldStore heard = store(HoldPolicy.of(Duration.ofMinutes(5)), new HoldListener() {
      @Override
      public void attempted(HoldListener.Attempt attempt, boolean fallback) {
        assertThat(fallback).isFalse();
        attempts.add(attempt);
      }

      @Override
      public void redisCall(String operation, long nanos) {
        assertThat(nanos).isPositive();
        calls.add(operation);
      }

      @Override
      public void expired(int holds) {}
    });

    Hold hold = heard.take(seat, "fan-1");
    assertThatThrownBy(() -> heard.take(seat, "fan-2"));
    heard.find(hold.holdId());
    heard.markSold(seat, hold.holdId(), "tx-1");
    assertThatThrownBy(() -> heard.take(seat, "fan-2"));
    heard.release(seat, hold.holdId());
    heard.states(List.of(seat));

    assertThat(attempts).containsExactly(HoldListener.Attempt.HELD,
        HoldListener.Attempt.CONFLICT, HoldListener.Attempt.SOLD);
    assertThat(calls).containsExactly("take", "take", "find", "mark_sold", "take", "release",
        "states");
  }

  @Test
  void a_sold_seat_can_never_be_held_again() {
    Hold hold = holds.take(seat, "fan-1");
    holds.markSold(seat, hold.holdId(), "tx-1");

    assertThat(holds.find(hold.holdId())).isEmpty();
    assertThat(holds.states(List.of(seat))).containsExactly(SeatState.SOLD);
    assertThatThrownBy(() -> holds.take(seat, "fan-2"))
        .isInstanceOf(HoldRejectedException.class).hasMessageContaining("sold");
  }

  @Test
  void ten_thousand_fans_racing_for_a_hundred_seats_get_exactly_a_hundred_holds()
      throws Exception {
    int seats = 100;
    int fans = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<Future<Boolean>> attempts = new ArrayList<>();
    for (int fan = 0; fan < fans; fan++) {
      SeatKey target = new SeatKey("perf-1", "S-" + (fan % seats));
      String user = "fan-" + fan;
      Callable<Boolean> attempt = () -> {
        try {
          holds.take(target, user);
          return true;
        } catch (HoldRejectedException e) {
          return false;
        }
      };
      attempts.add(pool.submit(attempt));
    }
    int won = 0;
    for (Future<Boolean> attempt : attempts) {
      won += attempt.get() ? 1 : 0;
    }
    pool.shutdown();

    assertThat(won).isEqualTo(seats);
    List<SeatKey> all = new ArrayList<>();
    for (int i = 0; i < seats; i++) {
      all.add(new SeatKey("perf-1", "S-" + i));
    }
    assertThat(holds.states(all)).containsOnly(SeatState.HELD);
  }

  @Test
  void the_seat_map_reads_many_seats_in_batches() {
    List<SeatKey> venue = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      venue.add(new SeatKey("perf-1", "V-" + i));
    }
    holds.take(venue.get(0), "fan-1");
    Hold sold = holds.take(venue.get(2_499), "fan-2");
    holds.markSold(venue.get(2_499), sold.holdId(), "tx-2");

    List<SeatState> states = holds.states(venue);

    assertThat(states).hasSize(2_500);
    assertThat(states.get(0)).isEqualTo(SeatState.HELD);
    assertThat(states.get(1_000)).isEqualTo(SeatState.AVAILABLE);
    assertThat(states.get(2_499)).isEqualTo(SeatState.SOLD);
  }

  @Test
  void a_fan_holds_at_most_the_allowed_number_of_seats_per_performance() {
    HoldStore limited = store(new HoldPolicy(Duration.ofMinutes(5), 1, Duration.ofMinutes(20)),
        HoldListener.NONE);
    Hold first = limited.take(seat, "fan-1");

    assertThatThrownBy(() -> limited.take(new SeatKey("perf-1", "A-2"), "fan-1"))
        .isInstanceOfSatisfying(HoldRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(HoldRejectedException.Reason.FAN_LIMIT));
    assertThat(limited.take(new SeatKey("perf-2", "A-2"), "fan-1")).isNotNull();
    assertThat(limited.take(new SeatKey("perf-1", "A-3"), "fan-2")).isNotNull();

    limited.release(first);
    assertThat(limited.take(new SeatKey("perf-1", "A-2"), "fan-1")).isNotNull();
  }

  @Test
  void an_expired_hold_no_longer_counts_against_the_fan_limit() {
    HoldStore limited = store(new HoldPolicy(Duration.ofMillis(200), 1, Duration.ofSeconds(1)),
        HoldListener.NONE);
    Hold first = limited.take(seat, "fan-1");
    await().atMost(Duration.ofSeconds(3)).until(() -> limited.find(first.holdId()).isEmpty());

    assertThat(limited.take(new SeatKey("perf-1", "A-2"), "fan-1")).isNotNull();
  }

  @Test
  void the_heartbeat_keeps_a_paying_hold_alive_and_stops_when_the_payment_ends()
      throws Exception {
    HoldStore brief = store(new HoldPolicy(Duration.ofMillis(300), 0, Duration.ofSeconds(30)),
        HoldListener.NONE);
    Hold paying = brief.take(seat, "fan-1");
    Hold abandoned = brief.take(new SeatKey("perf-1", "A-2"), "fan-2");
    assertThat(brief.keepAlive(paying.holdId())).isTrue();

    for (int beat = 0; beat < 10; beat++) {
      Thread.sleep(100);
      brief.heartbeat();
    }

    assertThat(brief.find(abandoned.holdId())).isEmpty();
    Hold kept = brief.find(paying.holdId()).orElseThrow();
    assertThat(kept.expiresAt()).isAfter(paying.expiresAt().plusMillis(500));

    brief.stopKeeping(paying.holdId());
    brief.heartbeat();
    await().atMost(Duration.ofSeconds(3)).until(() -> brief.find(paying.holdId()).isEmpty());
    assertThat(brief.states(List.of(seat))).containsExactly(SeatState.AVAILABLE);
  }

  @Test
  void the_heartbeat_never_extends_a_hold_past_its_maximum_lifetime() {
    HoldStore brief = store(new HoldPolicy(Duration.ofMillis(200), 0, Duration.ofMillis(600)),
        HoldListener.NONE);
    Hold stuck = brief.take(seat, "fan-1");
    brief.keepAlive(stuck.holdId());

    try (HoldHeartbeat beating = HoldHeartbeat.start(brief)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> brief.find(stuck.holdId()).isEmpty());
    }
    assertThat(Instant.now()).isAfter(stuck.heldAt().plusMillis(600));
  }

  @Test
  void a_hold_that_is_gone_is_not_kept_alive() {
    Hold hold = holds.take(seat, "fan-1");
    holds.release(hold);

    assertThat(holds.keepAlive(hold.holdId())).isFalse();
  }

  @Test
  void holds_that_expire_unpaid_are_counted_once() {
    List<Integer> expired = new ArrayList<>();
    HoldStore brief = store(HoldPolicy.of(Duration.ofMillis(150)), new HoldListener() {
      @Override
      public void attempted(Attempt attempt, boolean fallback) {}

      @Override
      public void redisCall(String operation, long nanos) {}

      @Override
      public void expired(int holds) {
        expired.add(holds);
      }
    });
    Hold lapsing = brief.take(seat, "fan-1");
    Hold released = brief.take(new SeatKey("perf-1", "A-2"), "fan-2");
    brief.release(released);
    await().atMost(Duration.ofSeconds(3)).until(() -> brief.find(lapsing.holdId()).isEmpty());

    brief.heartbeat();
    brief.heartbeat();

    assertThat(expired.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
  }

  @Test
  void operators_see_holds_older_than_a_bound() throws Exception {
    Hold old = holds.take(seat, "fan-1");
    Thread.sleep(50);
    Hold young = holds.take(new SeatKey("perf-1", "A-2"), "fan-2");

    List<Hold> stuck = holds.olderThan(Duration.ofMillis(25));

    assertThat(stuck).extracting(Hold::holdId).contains(old.holdId())
        .doesNotContain(young.holdId());
  }
}
