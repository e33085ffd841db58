package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.devstack.Database;
import dev.soldout.devstack.TestServices;
import dev.soldout.events.SeatKey;
import dev.soldout.seats.catalog.DemoCatalog;
import dev.soldout.seats.db.Databases;
import dev.soldout.seats.hold.Hold;
import dev.soldout.seats.hold.HoldListener;
import dev.soldout.seats.hold.HoldStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The holds ops command against real Redis and PostgreSQL. */
class HoldsCommandTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @Test
  void lists_old_holds_then_releases_them_only_when_not_a_dry_run() throws Exception {
    Database db = TestServices.freshSchema();
    String namespace = "test:" + UUID.randomUUID() + ":";
    Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", TestServices.redisUrl(),
        "DATABASE_URL", db.jdbcUrl(), "REDIS_NAMESPACE", namespace,
        "DATA_DIR", "target/no-dev-stack"));
    if (db.user() != null) {
      env.put("DATABASE_USER", db.user());
    }
    if (db.password() != null) {
      env.put("DATABASE_PASSWORD", db.password());
    }
    Settings settings = Settings.fromLayers(Map.of(), env);
    Hold old;
    try (HikariDataSource pool = Databases.pool(db.jdbcUrl(), db.user(), db.password(), 2);
        RedisClient redis = RedisClient.create(TestServices.redisUrl())) {
      Databases.migrate(pool);
      DemoCatalog.seedIfEmpty(Databases.jdbi(pool), 10, Instant.now());
      HoldStore holds = new HoldStore(redis, namespace, Databases.jdbi(pool),
          settings.holdPolicy(), Clock.systemUTC(), HoldListener.NONE);
      old = holds.take(new SeatKey(DemoCatalog.PERFORMANCE_IDS.get(0), "A-1"), "fan-1");
      Thread.sleep(1_100);
      Hold young = holds.take(new SeatKey(DemoCatalog.PERFORMANCE_IDS.get(1), "A-1"), "fan-1");

      assertThat(HoldsCommand.run(settings, new String[] {"list", "--older-than", "1s"}, out))
          .isZero();
      assertThat(printed.toString()).contains(old.holdId()).doesNotContain(young.holdId())
          .contains("1 hold(s)");

      assertThat(HoldsCommand.run(settings,
          new String[] {"release", "--older-than", "1s", "--dry-run"}, out)).isZero();
      assertThat(holds.find(old.holdId())).isPresent();

      assertThat(HoldsCommand.run(settings, new String[] {"release", "--older-than", "1s"}, out))
          .isZero();
      assertThat(printed.toString()).contains("1 released");
      assertThat(holds.find(old.holdId())).isEmpty();
      assertThat(holds.find(young.holdId())).isPresent();
    }
  }

  @Test
  void help_exits_0_bad_usage_exits_2_and_release_needs_a_bound() throws Exception {
    Settings settings = Settings.fromLayers(Map.of(), Map.of());

    assertThat(HoldsCommand.run(settings, new String[] {"--help"}, out)).isZero();
    assertThat(HoldsCommand.run(settings, new String[] {}, out)).isEqualTo(2);
    assertThat(HoldsCommand.run(settings, new String[] {"release"}, out)).isEqualTo(2);
    assertThat(HoldsCommand.run(settings, new String[] {"list", "--bogus"}, out)).isEqualTo(2);
  }

  @Test
  void durations_read_like_an_operator_writes_them() {
    assertThat(HoldsCommand.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(HoldsCommand.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(HoldsCommand.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(HoldsCommand.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
  }
}
