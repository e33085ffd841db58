package dev.soldout.seats.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soldout.devstack.FreePorts;
import dev.soldout.devstack.TestServices;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

class RedisConnectorTest {
  /** The 1 s connect timeout plus room for a busy machine. */
  private static final Duration FAIL_FAST = Duration.ofSeconds(2);

  @Test
  void the_sentinel_settings_become_one_target_that_names_every_sentinel_and_the_master() {
    String target = RedisConnector.sentinelTarget(" sentinel-a:26379, sentinel-b:26380,", "seats");

    assertThat(target).isEqualTo("redis-sentinel://sentinel-a:26379,sentinel-b:26380/seats");
    RedisConnector.SentinelTarget parsed = RedisConnector.SentinelTarget.parse(target);
    assertThat(parsed.masterName()).isEqualTo("seats");
    assertThat(parsed.sentinels()).extracting(Object::toString)
        .containsExactly("sentinel-a:26379", "sentinel-b:26380");
  }

  @Test
  void a_sentinel_without_a_port_or_a_target_without_a_master_name_is_refused() {
    assertThatThrownBy(() -> RedisConnector.sentinelTarget("sentinel-a", "seats"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
    assertThatThrownBy(() -> RedisConnector.sentinelTarget("", "seats"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Sentinel");
    assertThatThrownBy(() -> RedisConnector.connect("redis-sentinel://sentinel-a:26379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no master name");
    assertThatThrownBy(() -> RedisConnector.connect("http://127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Redis URL");
  }

  @Test
  void a_url_connects_and_a_dead_server_fails_fast_instead_of_hanging() {
    try (UnifiedJedis redis = RedisConnector.connect(TestServices.redisUrl())) {
      assertThat(redis.ping()).isEqualTo("PONG");
    }
    try (UnifiedJedis dead = RedisConnector.connect("redis://127.0.0.1:" + FreePorts.next())) {
      long started = System.nanoTime();
      assertThatThrownBy(dead::ping).isInstanceOf(JedisConnectionException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FAIL_FAST);
    }
  }

  @Test
  void through_sentinel_one_sentinel_must_answer_at_start_and_none_fails_fast() {
    long started = System.nanoTime();
    assertThatThrownBy(() -> RedisConnector.connect(RedisConnector.sentinelTarget(
        "127.0.0.1:" + FreePorts.next() + ",127.0.0.1:" + FreePorts.next(), "seats")))
        .isInstanceOf(JedisConnectionException.class).hasMessageContaining("All sentinels down");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FAIL_FAST);
  }
}
