package dev.soldout.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.seats.db.Databases;
import dev.soldout.seats.hold.Hold;
import dev.soldout.seats.hold.HoldListener;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.seats.redis.RedisConnector;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code ./soldout holds list|release}: the live holds older than a bound, in Redis and in the
 * database fallback, and their forced release. Talks to Redis and the database directly, never
 * through the fan API. Release is compare-and-delete, so a seat re-held meanwhile stays held.
 */
final class HoldsCommand {
  static final String USAGE = """
      usage: ./soldout holds list [--older-than 10m]
             ./soldout holds release --older-than 10m [--dry-run]
        list      live holds taken longer ago than the bound (default 0s: all), oldest first
        release   force-releases those holds; --dry-run only shows what it would release
      Durations: 500ms, 30s, 10m, 2h. Exit codes: 0 done, 1 a store failed, 2 bad usage.""";

  private HoldsCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) {
    if (args.length > 0 && List.of("--help", "-h").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    if (args.length == 0 || !List.of("list", "release").contains(args[0])) {
      out.println(USAGE);
      return 2;
    }
    boolean release = args[0].equals("release");
    Duration olderThan = null;
    boolean dryRun = false;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--dry-run")) {
        dryRun = true;
      } else if (args[i].equals("--older-than") && i + 1 < args.length) {
        olderThan = parseDuration(args[++i]);
      } else {
        out.println("unknown option: " + args[i]);
        out.println(USAGE);
        return 2;
      }
    }
    if (olderThan == null && release) {
      out.println("release needs --older-than: forcing every hold out is never what you want");
      return 2;
    }
    Optional<SoldoutNode.Endpoints> found = AppCommand.require(settings, out,
        AppCommand.Need.REDIS, AppCommand.Need.DATABASE);
    if (found.isEmpty()) {
      return 2;
    }
    SoldoutNode.Endpoints endpoints = found.get();
    try (HikariDataSource pool = Databases.pool(endpoints.database().jdbcUrl(),
            endpoints.database().user(), endpoints.database().password(), 2);
        UnifiedJedis redis = RedisConnector.connect(endpoints.redisUrl())) {
      HoldStore holds = new HoldStore(redis, settings.redisNamespace(), Databases.jdbi(pool),
          settings.holdPolicy(), Clock.systemUTC(), HoldListener.NONE);
      List<Hold> stuck = holds.olderThan(olderThan == null ? Duration.ZERO : olderThan);
      Instant now = Instant.now();
      int released = 0;
      for (Hold hold : stuck) {
        String verb = !release ? "held" : dryRun ? "would release"
            : holds.release(hold) ? "released" : "already gone";
        released += verb.equals("released") ? 1 : 0;
        out.printf("%-14s %-40s %-28s user %-16s token %d, age %s, expires %s%n", verb,
            hold.holdId(), hold.seat().asString(), hold.userId(), hold.fencingToken(),
            Duration.between(hold.heldAt(), now).withNanos(0), hold.expiresAt());
      }
      out.printf("%d hold(s)%s%n", stuck.size(), release && !dryRun
          ? ", " + released + " released" : "");
      return 0;
    } catch (RuntimeException e) {
      out.println("failed: " + e);
      return 1;
    }
  }

  /** 500ms, 30s, 10m, 2h. */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    long amount = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      default -> throw new IllegalArgumentException("not a duration: " + text);
    };
  }
}
