package dev.soldout.app;

import java.net.URI;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/** Connects to Redis with short timeouts: a fan's request must fail fast, not hang, on an outage. */
final class Redis {
  private Redis() {}

  static UnifiedJedis connect(String url) {
    URI uri = URI.create(url);
    return RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(uri))
        .clientConfig(DefaultJedisClientConfig.builder()
            .user(JedisURIHelper.getUser(uri))
            .password(JedisURIHelper.getPassword(uri))
            .database(JedisURIHelper.getDBIndex(uri))
            .ssl(JedisURIHelper.isRedisSSLScheme(uri))
            .connectionTimeoutMillis(1_000)
            .socketTimeoutMillis(1_000)
            .build())
        .build();
  }
}
