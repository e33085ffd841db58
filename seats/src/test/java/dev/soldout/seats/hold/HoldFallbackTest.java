package dev.soldout.seats.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.devstack.Database;
import dev.soldout.devstack.FreePorts;
import dev.soldout.devstack.RedisServer;
import dev.soldout.devstack.TestServices;
import dev.soldout.events.SeatKey;
import dev.soldout.seats.catalog.DemoCatalog;
import dev.soldout.seats.db.Databases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * Holds when Redis goes away: they fall back to row locks in a real PostgreSQL, keep every rule
 * there, and switch back to Redis when it returns. Redis here is a server of the test's own, so
 * that stopping it disturbs no one.
 */
class HoldFallbackTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);

  private static HikariDataSource pool;
  private static Jdbi jdbi;
  private static RedisServer server;
  private static RedisClient redis;

  @BeforeAll
  static void start() {
    Database db = TestServices.freshSchema();
    pool = Databases.pool(db.jdbcUrl(), db.user(), db.password(), 4);
    Databases.migrate(pool);
    jdbi = Databases.jdbi(pool);
    DemoCatalog.seedIfEmpty(jdbi, 200, Instant.now());
    server = new RedisServer(FreePorts.next());
    server.start();
    redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", server.port()))
        .clientConfig(DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(300).socketTimeoutMillis(300).build())
        .build();
  }

  @AfterAll
  static void stop() {
    redis.close();
    server.close();
    pool.close();
  }

  @AfterEach
  void redisRunsAgain() {
    if (!reachable()) {
      server.start();
    }
  }

  private static boolean reachable() {
    try {
      return "PONG".equals(redis.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static HoldStore store(HoldPolicy policy) {
    return new HoldStore(redis, "test:" + UUID.randomUUID() + ":", jdbi, policy,
        Clock.systemUTC(), HoldListener.NONE);
  }

  private static SeatKey seat(String seatId) {
    return new SeatKey(PERFORMANCE, seatId);
  }

  @Test
  void while_redis_is_down_holds_are_row_locks_in_the_database_with_the_same_rules() {
    HoldStore holds = store(new HoldPolicy(Duration.ofMinutes(5), 1, Duration.ofMinutes(20)));
    server.stop();

    Hold hold = holds.take(seat("A-1"), "fan-1");

    assertThat(hold.holdId()).startsWith("db-");
    assertThat(holds.find(hold.holdId())).contains(hold);
    assertThat(holds.keepAlive(hold.holdId())).isTrue();
    assertThatThrownBy(() -> holds.take(seat("A-1"), "fan-2"))
        .isInstanceOfSatisfying(HoldRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(HoldRejectedException.Reason.HELD));
    assertThatThrownBy(() -> holds.take(seat("A-2"), "fan-1"))
        .isInstanceOfSatisfying(HoldRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(HoldRejectedException.Reason.FAN_LIMIT));

    assertThat(holds.release(hold)).isTrue();
    assertThat(holds.release(hold)).isFalse();
    Hold next = holds.take(seat("A-1"), "fan-2");
    assertThat(next.fencingToken()).isGreaterThan(hold.fencingToken());
  }

  @Test
  void a_seat_sold_is_refused_by_the_fallback_and_shown_sold_on_the_seat_map() {
    HoldStore holds = store(HoldPolicy.of(Duration.ofMinutes(5)));
    Hold held = holds.take(seat("A-10"), "fan-1");
    holds.recordSales(List.of(new SeatSales.Sale(seat("A-10"), "tx-a10", "fan-1",
        Instant.now())));
    holds.markSold(seat("A-10"), held.holdId(), "tx-a10");
    server.stop();

    Hold fallback = holds.take(seat("A-11"), "fan-2");
    assertThatThrownBy(() -> holds.take(seat("A-10"), "fan-3"))
        .isInstanceOfSatisfying(HoldRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(HoldRejectedException.Reason.SOLD));
    assertThat(holds.states(List.of(seat("A-10"), seat("A-11"), seat("A-12"))))
        .containsExactly(SeatState.SOLD, SeatState.HELD, SeatState.AVAILABLE);
    assertThat(fallback.holdId()).startsWith("db-");
  }

  @Test
  void a_second_sale_of_a_seat_is_refused_and_reported() {
    HoldStore holds = store(HoldPolicy.of(Duration.ofMinutes(5)));
    SeatSales.Sale first = new SeatSales.Sale(seat("A-20"), "tx-first", "fan-1", Instant.now());
    SeatSales.Sale second = new SeatSales.Sale(seat("A-20"), "tx-second", "fan-2", Instant.now());

    assertThat(holds.recordSales(List.of(first))).isEmpty();
    assertThat(holds.recordSales(List.of(first))).as("a replay").isEmpty();
    assertThat(holds.recordSales(List.of(second))).containsExactly(second);
  }

  @Test
  void a_fallback_hold_expires_and_frees_its_seat() {
    HoldStore holds = store(HoldPolicy.of(Duration.ofMillis(300)));
    server.stop();
    Hold hold = holds.take(seat("A-30"), "fan-1");

    await().atMost(Duration.ofSeconds(3)).until(() -> holds.find(hold.holdId()).isEmpty());
    assertThat(holds.take(seat("A-30"), "fan-2").holdId()).startsWith("db-");
  }

  @Test
  void holds_switch_back_to_redis_when_it_returns_and_fallback_holds_keep_their_seats() {
    HoldStore holds = store(HoldPolicy.of(Duration.ofMinutes(5)));
    server.stop();
    Hold fallback = holds.take(seat("A-40"), "fan-1");
    server.start();

    // The breaker tries Redis again once its open wait is over.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
      Hold probe = holds.take(seat("B-" + (1 + (int) (Math.random() * 100))), "prober");
      holds.release(probe);
      return !probe.holdId().startsWith("db-");
    });
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThatThrownBy(() -> holds.take(seat("A-40"), "fan-2"))
            .isInstanceOf(HoldRejectedException.class));
    assertThat(holds.find(fallback.holdId())).isPresent();
    holds.release(fallback);
    assertThat(holds.take(seat("A-40"), "fan-2").holdId()).doesNotStartWith("db-");
  }

  @Test
  void a_redis_that_restarts_empty_gets_its_sold_marks_back_from_the_sales_table() {
    HoldStore holds = store(HoldPolicy.of(Duration.ofMinutes(5)));
    Hold held = holds.take(seat("A-60"), "fan-1");
    holds.recordSales(List.of(new SeatSales.Sale(seat("A-60"), "tx-a60", "fan-1",
        Instant.now())));
    holds.markSold(seat("A-60"), held.holdId(), "tx-a60");
    holds.restoreSoldMarks();
    server.stop();
    server.start();
    // The pool's old connections fail once; the heartbeat's next tick (1 s) would try again.
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(holds::ping);

    holds.restoreSoldMarks();

    assertThatThrownBy(() -> holds.take(seat("A-60"), "fan-2"))
        .isInstanceOfSatisfying(HoldRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(HoldRejectedException.Reason.SOLD));
    assertThat(holds.states(List.of(seat("A-60")))).containsExactly(SeatState.SOLD);
  }

  @Test
  void operators_see_stuck_holds_of_both_stores() throws Exception {
    HoldStore holds = store(HoldPolicy.of(Duration.ofMinutes(5)));
    server.stop();
    Hold inDb = holds.take(seat("A-51"), "fan-2");
    server.start();
    Hold inRedis = holds.take(seat("A-50"), "fan-1");
    Thread.sleep(20);

    assertThat(holds.olderThan(Duration.ofMillis(10))).extracting(Hold::holdId)
        .contains(inRedis.holdId(), inDb.holdId());
  }
}
