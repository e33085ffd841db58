package dev.soldout.bench.cost;

import dev.soldout.seats.redis.RedisConnector;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.UnifiedJedis;

/**
 * Commands Redis ran, from {@code INFO commandstats}: a snapshot before and after the rush. The
 * counts include the commands inside Lua scripts (each is work for Redis's one thread), so they
 * are at least the round trips.
 */
public final class RedisCommands {
  private RedisCommands() {}

  public static Map<String, Long> snapshot(String redisUrl) {
    try (UnifiedJedis jedis = RedisConnector.connect(redisUrl)) {
      Map<String, Long> calls = new TreeMap<>();
      for (String line : jedis.info("commandstats").split("\r?\n")) {
        // cmdstat_set:calls=12,usec=...
        if (line.startsWith("cmdstat_")) {
          String name = line.substring("cmdstat_".length(), line.indexOf(':'));
          String rest = line.substring(line.indexOf("calls=") + "calls=".length());
          calls.put(name, Long.parseLong(rest.substring(0, rest.indexOf(','))));
        }
      }
      return calls;
    }
  }

  /** after minus before, per command, leaving out the snapshots' own INFO calls. */
  public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new TreeMap<>();
    after.forEach((name, calls) -> {
      long d = calls - before.getOrDefault(name, 0L);
      if (d > 0 && !name.equals("info")) {
        delta.put(name, d);
      }
    });
    return delta;
  }
}
