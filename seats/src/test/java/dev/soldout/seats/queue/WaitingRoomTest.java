package dev.soldout.seats.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.devstack.TestServices;
import dev.soldout.seats.queue.WaitingRoom.Admitted;
import dev.soldout.seats.queue.WaitingRoom.Gone;
import dev.soldout.seats.queue.WaitingRoom.Waiting;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The waiting room on a real Redis (REDIS_URL, or one the tests start), on a clock it moves. */
class WaitingRoomTest {
  private static final QueueTokens TOKENS = new QueueTokens(
      "a-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8));
  private static RedisClient redis;
  private final String namespace = "test:" + UUID.randomUUID() + ":";
  private final MovableClock clock = new MovableClock(Instant.parse("2026-05-01T10:00:00Z"));
  private final WaitingRoom room = new WaitingRoom(redis, namespace, TOKENS, clock,
      QueueListener.NONE);

  @BeforeAll
  static void connect() {
    redis = RedisClient.create(TestServices.redisUrl());
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  private QueuePolicy policy(int rate, int cap, Duration session, Instant opensAt) {
    return new QueuePolicy("perf-1", true, rate, cap, session, opensAt);
  }

  private QueuePolicy open(int rate, int cap) {
    return policy(rate, cap, Duration.ofMinutes(10), clock.instant().minusSeconds(60));
  }

  /** Runs admission ticks of 100 ms for {@code millis}; returns how many were admitted. */
  private int tickFor(QueuePolicy policy, long millis) {
    int admitted = 0;
    for (long t = 0; t < millis; t += 100) {
      clock.advance(100);
      admitted += room.admit(policy).admitted();
    }
    return admitted;
  }

  @Test
  void after_the_open_fans_wait_in_arrival_order_and_joining_twice_keeps_the_place() {
    QueuePolicy policy = open(10, 100);
    for (int i = 1; i <= 5; i++) {
      assertThat(room.join(policy, "fan-" + i)).isEqualTo(new Waiting(i));
    }

    assertThat(room.join(policy, "fan-2")).isEqualTo(new Waiting(2));
    assertThat(room.line("perf-1", 0, -1)).containsExactly("fan-1", "fan-2", "fan-3", "fan-4",
        "fan-5");
    assertThat(room.status("perf-1", "fan-4")).isEqualTo(new Waiting(4));
    assertThat(room.status("perf-1", "stranger")).isEqualTo(new Gone());
  }

  @Test
  void fans_who_join_before_the_open_are_shuffled_ahead_of_those_who_come_later() {
    Instant opensAt = clock.instant().plusSeconds(60);
    QueuePolicy policy = policy(10, 100, Duration.ofMinutes(10), opensAt);
    List<String> early = IntStream.range(0, 200).mapToObj(i -> "early-" + i).toList();
    early.forEach(fan -> room.join(policy, fan));

    assertThat(room.admit(policy).admitted()).as("nobody is admitted before the open").isZero();
    clock.advance(61_000);
    List<String> late = IntStream.range(0, 50).mapToObj(i -> "late-" + i).toList();
    late.forEach(fan -> room.join(policy, fan));
    room.join(policy, "early-0");

    List<String> line = room.line("perf-1", 0, -1);
    assertThat(line.subList(0, 200)).containsExactlyInAnyOrderElementsOf(early)
        .isNotEqualTo(early);
    assertThat(line.subList(200, 250)).containsExactlyElementsOf(late);
    // A shuffle leaves no trace of the arrival order: rank correlation near 0 (sd 0.07 at n=200).
    assertThat(Math.abs(spearman(early, line.subList(0, 200)))).isLessThan(0.3);
  }

  @Test
  void fans_are_admitted_at_the_configured_rate() {
    QueuePolicy policy = open(50, 10_000);
    IntStream.range(0, 300).forEach(i -> room.join(policy, "fan-" + i));
    room.admit(policy);

    assertThat(tickFor(policy, 2_000)).isEqualTo(100);
    assertThat(room.status("perf-1", "fan-0")).isInstanceOf(Admitted.class);
    assertThat(room.status("perf-1", "fan-99")).isInstanceOf(Admitted.class);
    assertThat(room.status("perf-1", "fan-100")).isEqualTo(new Waiting(1));
    assertThat(room.admissions("perf-1")).isEqualTo(100);
  }

  @Test
  void a_rate_below_one_fan_a_tick_saves_up_fractions_and_an_idle_queue_saves_at_most_a_second() {
    QueuePolicy policy = open(3, 10_000);
    room.admit(policy);
    clock.advance(60_000);
    IntStream.range(0, 100).forEach(i -> room.join(policy, "fan-" + i));

    assertThat(tickFor(policy, 100)).as("one second's worth saved up, not a minute's").isEqualTo(3);
    assertThat(tickFor(policy, 10_000)).isEqualTo(30);
  }

  @Test
  void no_more_fans_than_the_cap_are_admitted_and_ended_sessions_free_their_places() {
    QueuePolicy policy = policy(100, 10, Duration.ofSeconds(30), clock.instant().minusSeconds(1));
    IntStream.range(0, 40).forEach(i -> room.join(policy, "fan-" + i));
    room.admit(policy);

    assertThat(tickFor(policy, 5_000)).isEqualTo(10);
    assertThat(room.leave("perf-1", "fan-3")).isTrue();
    assertThat(room.paymentEnded("perf-1", "fan-4", clock.instant(), defaults(policy))).isTrue();
    assertThat(tickFor(policy, 1_000)).as("the fan who left and the fan who paid").isEqualTo(2);
    assertThat(room.status("perf-1", "fan-3")).isEqualTo(new Gone());

    clock.advance(30_000);
    assertThat(room.status("perf-1", "fan-0")).as("the session ran out").isEqualTo(new Gone());
    assertThat(tickFor(policy, 1_000)).isEqualTo(10);
  }

  @Test
  void an_old_payment_never_ends_a_newer_session_of_the_same_fan() {
    QueuePolicy policy = open(100, 10);
    Instant paidBeforeAdmission = clock.instant();
    room.join(policy, "fan-1");
    room.admit(policy);
    tickFor(policy, 1_000);

    assertThat(room.paymentEnded("perf-1", "fan-1", paidBeforeAdmission, defaults(policy)))
        .isFalse();
    assertThat(room.status("perf-1", "fan-1")).isInstanceOf(Admitted.class);
  }

  @Test
  void an_admitted_fan_who_joins_again_stays_admitted_and_one_whose_session_ended_goes_to_the_back() {
    QueuePolicy policy = policy(100, 10, Duration.ofSeconds(30), clock.instant().minusSeconds(1));
    room.join(policy, "fan-1");
    room.admit(policy);
    clock.advance(1_000);
    room.admit(policy);
    room.join(policy, "fan-2");

    Admitted admitted = (Admitted) room.join(policy, "fan-1");
    assertThat(admitted.sessionEndsAt()).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(admitted.sessionId()).isEqualTo("1");
    clock.advance(31_000);
    assertThat(room.join(policy, "fan-1")).isEqualTo(new Waiting(2));
  }

  @Test
  void two_instances_share_one_queue_and_one_ticker_keeps_the_rate() {
    RedisClient otherClient = RedisClient.create(TestServices.redisUrl());
    WaitingRoom first = new WaitingRoom(redis, namespace, TOKENS, Clock.systemUTC(),
        QueueListener.NONE);
    WaitingRoom second = new WaitingRoom(otherClient, namespace, TOKENS, Clock.systemUTC(),
        QueueListener.NONE);
    QueuePolicy policy = new QueuePolicy("perf-1", true, 40, 10_000, Duration.ofMinutes(10),
        Instant.now().minusSeconds(1));
    for (int i = 0; i < 400; i++) {
      (i % 2 == 0 ? first : second).join(policy, "fan-" + i);
    }
    assertThat(second.status("perf-1", "fan-0")).isEqualTo(new Waiting(1));
    assertThat(first.status("perf-1", "fan-1")).isEqualTo(new Waiting(2));

    AdmissionTicker a = AdmissionTicker.start(first, id -> Optional.of(policy));
    AdmissionTicker b = AdmissionTicker.start(second, id -> Optional.of(policy));
    try {
      await().atMost(Duration.ofSeconds(2)).until(() -> first.admissions("perf-1") > 0);
      long from = first.admissions("perf-1");
      long started = System.nanoTime();
      sleepMillis(2_000);
      double rate = (first.admissions("perf-1") - from) * 1e9 / (System.nanoTime() - started);
      assertThat(rate).as("admitted per second, two tickers").isBetween(32.0, 48.0);
      assertThat(a.leading() ^ b.leading()).as("exactly one holds the lease").isTrue();

      // The leader goes away: the other takes the lease over once it runs out, and goes on.
      AdmissionTicker leader = a.leading() ? a : b;
      AdmissionTicker follower = leader == a ? b : a;
      leader.close();
      await().atMost(Duration.ofSeconds(4)).until(follower::leading);
      long resumed = first.admissions("perf-1");
      await().atMost(Duration.ofSeconds(2)).until(() -> first.admissions("perf-1") > resumed + 10);
    } finally {
      a.close();
      b.close();
      otherClient.close();
    }
  }

  @Test
  void instances_without_a_configured_secret_share_the_first_ones_random_secret() {
    byte[] first = WaitingRoom.devSecret(redis, namespace);

    assertThat(first).hasSizeGreaterThanOrEqualTo(32);
    assertThat(WaitingRoom.devSecret(redis, namespace)).isEqualTo(first);
    assertThat(WaitingRoom.devSecret(redis, "test:" + UUID.randomUUID() + ":")).isNotEqualTo(first);
  }

  private static QueuePolicy.Defaults defaults(QueuePolicy policy) {
    return new QueuePolicy.Defaults(true, policy.admitPerSecond(), policy.maxAdmitted(),
        policy.session());
  }

  /** Measuring a rate over a fixed interval is what the test is about, not waiting for a state. */
  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double spearman(List<String> arrival, List<String> placed) {
    int n = arrival.size();
    List<String> order = new ArrayList<>(placed);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double d = i - order.indexOf(arrival.get(i));
      sum += d * d;
    }
    return 1 - 6 * sum / (n * ((double) n * n - 1));
  }

  /** A clock the test moves by hand. */
  static final class MovableClock extends Clock {
    private final AtomicLong millis;

    MovableClock(Instant start) {
      millis = new AtomicLong(start.toEpochMilli());
    }

    void advance(long by) {
      millis.addAndGet(by);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }
}
