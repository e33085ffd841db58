package dev.soldout.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.api.security.FanTokens;
import dev.soldout.app.queue.QueueBench;
import dev.soldout.seats.db.Databases;
import dev.soldout.seats.queue.QueueListener;
import dev.soldout.seats.queue.QueuePolicies;
import dev.soldout.seats.queue.QueuePolicy;
import dev.soldout.seats.queue.QueueTokens;
import dev.soldout.seats.queue.WaitingRoom;
import dev.soldout.seats.redis.RedisConnector;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code ./soldout queue show|enable|disable|reset|bench}: an operator's switch for a
 * performance's waiting room (the performances table), and the queue load run. Talks to the
 * database and Redis directly, like the holds command; the instances see a change within
 * QueuePolicies.CACHE_FOR.
 */
final class QueueCommand {
  static final String USAGE = """
      usage: ./soldout queue show
             ./soldout queue enable <performance> [--rate N] [--cap N] [--opens-in 30s]
             ./soldout queue disable <performance>
             ./soldout queue reset <performance>
             ./soldout queue bench [--fans 100000] [--within 10s] [--pre-open 3s]
                 [--measure 20s] [--rate 500] [--performance aurora-seoul-2]
                 [--api http://127.0.0.1:7070]
        show     every performance's waiting room: on or off, rate, cap, sale opening, fans
        enable   turns the waiting room on (rate: fans admitted per second, cap: admitted at
                 once; omitted: the QUEUE_* settings); --opens-in moves the sale's opening
        disable  turns it off (holds and payments need no admission any more)
        reset    forgets the performance's queue in Redis (every fan must join again)
        bench    the queue load run against a running system; it enables the queue of the
                 performance for the run, resets it, and disables it afterwards; it fails if
                 a fan who joined after the open was placed ahead of one who joined before
      Exit codes: 0 done, 1 failed, 2 bad usage.""";

  private QueueCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) throws Exception {
    List<String> commands = List.of("show", "enable", "disable", "reset", "bench");
    if (args.length == 0 || !commands.contains(args[0])
        || (!List.of("show", "bench").contains(args[0]) && args.length < 2)) {
      out.println(USAGE);
      return 2;
    }
    boolean bench = args[0].equals("bench");
    Map<String, String> options = new HashMap<>();
    for (int i = bench || args[0].equals("show") ? 1 : 2; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        out.println("unknown option: " + args[i]);
        out.println(USAGE);
        return 2;
      }
      options.put(args[i].substring(2), args[++i]);
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
      QueuePolicies policies = new QueuePolicies(Databases.jdbi(pool), settings.queueDefaults());
      // The tokens' secret does not matter here: this command signs nothing.
      WaitingRoom room = new WaitingRoom(redis, settings.redisNamespace(),
          new QueueTokens(new byte[32]), Clock.systemUTC(), QueueListener.NONE);
      switch (args[0]) {
        case "show" -> show(policies, room, out);
        case "enable" -> {
          Instant opensAt = options.containsKey("opens-in")
              ? Instant.now().plus(HoldsCommand.parseDuration(options.get("opens-in"))) : null;
          if (!policies.configure(args[1], true, integer(options.get("rate")),
              integer(options.get("cap")), opensAt)) {
            out.println("no performance " + args[1]);
            return 1;
          }
          show(policies, room, out);
        }
        case "disable" -> {
          if (!policies.configure(args[1], false, null, null, null)) {
            out.println("no performance " + args[1]);
            return 1;
          }
          show(policies, room, out);
        }
        case "reset" -> {
          room.reset(args[1]);
          out.println("the queue of " + args[1] + " is empty; fans must join again");
        }
        default -> {
          Optional<FanTokens> tokens = DevAuth.minter(settings);
          if (tokens.isEmpty()) {
            out.println("no secret to sign the fans in with: start ./soldout dev first, or set"
                + " AUTH_JWT_SECRET");
            return 2;
          }
          boolean ordered = new QueueBench(new QueueBench.Options(
              options.getOrDefault("api", "http://127.0.0.1:" + settings.apiPort()),
              options.getOrDefault("performance", "aurora-seoul-2"),
              Integer.parseInt(options.getOrDefault("fans", "100000")),
              HoldsCommand.parseDuration(options.getOrDefault("within", "10s")),
              HoldsCommand.parseDuration(options.getOrDefault("pre-open", "3s")),
              HoldsCommand.parseDuration(options.getOrDefault("measure", "20s")),
              Integer.parseInt(options.getOrDefault("rate", "500"))), policies, room,
              fan -> "Bearer " + tokens.get().mint(fan).token(), out).run();
          if (!ordered) {
            out.println("FAILED: a fan who joined after the open was placed ahead of one who"
                + " joined before it");
            return 1;
          }
        }
      }
      return 0;
    } catch (RuntimeException e) {
      out.println("failed: " + e);
      return 1;
    }
  }

  private static void show(QueuePolicies policies, WaitingRoom room, PrintStream out) {
    for (QueuePolicy p : policies.all()) {
      out.printf("%-20s %-3s %5d/s, cap %,7d, session %s, sale opens %s, %,d admitted so far%n",
          p.performanceId(), p.enabled() ? "on" : "off", p.admitPerSecond(), p.maxAdmitted(),
          p.session(), p.saleOpensAt(), room.admissions(p.performanceId()));
    }
  }

  private static Integer integer(String value) {
    return value == null ? null : Integer.valueOf(value);
  }
}
