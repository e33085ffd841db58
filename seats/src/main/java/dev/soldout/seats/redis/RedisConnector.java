package dev.soldout.seats.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Connects to Redis, directly ({@code redis://} or {@code rediss://}) or through Sentinel
 * ({@code redis-sentinel://host:port,host:port/masterName}), with short timeouts everywhere: on
 * an outage or a failover a fan's request must fail fast (503, retry) instead of hanging.
 */
public final class RedisConnector {
  public static final String SENTINEL_SCHEME = "redis-sentinel";

  /** Loopback or a LAN answers a connect in milliseconds; a dead master must not cost more. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  /** Hold scripts run in well under a millisecond; a second is a stuck server. */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(1);
  /**
   * Waiting for a pooled connection is bounded too: the pool's default is to wait forever, which
   * turns a rush against a slow Redis into hung requests instead of 503s.
   */
  static final Duration POOL_WAIT = Duration.ofSeconds(1);
  /**
   * Connections kept per client. The pool's default (8, and only 8 kept idle) made a rush's
   * request threads queue for a connection and reconnect for every one beyond the eighth.
   */
  static final int POOL_SIZE = 64;

  private RedisConnector() {}

  /** A client for {@code target}: a Redis URL, or a {@link #sentinelTarget Sentinel target}. */
  public static UnifiedJedis connect(String target) {
    if (target.startsWith(SENTINEL_SCHEME + "://")) {
      SentinelTarget sentinel = SentinelTarget.parse(target);
      return sentinel(sentinel.sentinels(), sentinel.masterName());
    }
    URI uri = URI.create(target);
    if (!JedisURIHelper.isValid(uri)) {
      throw new IllegalArgumentException("not a Redis URL: " + target);
    }
    return RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(uri))
        .clientConfig(timeouts(DefaultJedisClientConfig.builder()
            .user(JedisURIHelper.getUser(uri))
            .password(JedisURIHelper.getPassword(uri))
            .database(JedisURIHelper.getDBIndex(uri))
            .ssl(JedisURIHelper.isRedisSSLScheme(uri))))
        .poolConfig(pool())
        .build();
  }

  /**
   * A client that asks the Sentinels where the master is, and follows them when they promote a
   * replica: Jedis subscribes to {@code +switch-master} on every Sentinel and swaps its pool.
   * It needs one Sentinel to answer now; the master itself may be down.
   */
  public static RedisSentinelClient sentinel(Set<HostAndPort> sentinels, String masterName) {
    return RedisSentinelClient.builder()
        .masterName(masterName)
        .sentinels(sentinels)
        .clientConfig(timeouts(DefaultJedisClientConfig.builder()))
        // Sentinel connections are plain Jedis ones, which speak RESP2: saying so up front
        // saves a warning per connection.
        .sentinelClientConfig(timeouts(DefaultJedisClientConfig.builder()
            .autoNegotiateProtocol(false)))
        .poolConfig(pool())
        .build();
  }

  /**
   * The target for {@code REDIS_SENTINELS} ({@code host:port,host:port}) and
   * {@code REDIS_MASTER_NAME}, checked: {@code redis-sentinel://host:port,host:port/masterName}.
   */
  public static String sentinelTarget(String sentinels, String masterName) {
    return new SentinelTarget(parseSentinels(sentinels), masterName).toString();
  }

  static Set<HostAndPort> parseSentinels(String list) {
    Set<HostAndPort> sentinels = Arrays.stream(list.split(","))
        .map(String::trim).filter(s -> !s.isEmpty())
        .map(RedisConnector::hostAndPort)
        .collect(Collectors.toCollection(LinkedHashSet::new));
    if (sentinels.isEmpty()) {
      throw new IllegalArgumentException("no Sentinel in '" + list + "'");
    }
    return sentinels;
  }

  private static HostAndPort hostAndPort(String address) {
    int colon = address.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      return new HostAndPort(address.substring(0, colon),
          Integer.parseInt(address.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a Sentinel is host:port, not '" + address + "'");
    }
  }

  private static JedisClientConfig timeouts(DefaultJedisClientConfig.Builder config) {
    return config.connectionTimeoutMillis((int) CONNECT_TIMEOUT.toMillis())
        .socketTimeoutMillis((int) SOCKET_TIMEOUT.toMillis())
        .build();
  }

  private static ConnectionPoolConfig pool() {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxWait(POOL_WAIT);
    pool.setMaxTotal(POOL_SIZE);
    pool.setMaxIdle(POOL_SIZE);
    return pool;
  }

  /** The Sentinels and the name of the master they watch. */
  record SentinelTarget(Set<HostAndPort> sentinels, String masterName) {
    SentinelTarget {
      if (masterName == null || masterName.isBlank() || masterName.contains("/")) {
        throw new IllegalArgumentException("a Sentinel master name is needed, not '"
            + masterName + "'");
      }
    }

    static SentinelTarget parse(String target) {
      String rest = target.substring((SENTINEL_SCHEME + "://").length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("no master name in " + target);
      }
      return new SentinelTarget(parseSentinels(rest.substring(0, slash)),
          rest.substring(slash + 1));
    }

    @Override
    public String toString() {
      return SENTINEL_SCHEME + "://" + sentinels.stream().map(HostAndPort::toString)
          .collect(Collectors.joining(",")) + "/" + masterName;
    }
  }
}
