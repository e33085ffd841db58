package dev.soldout.seats.queue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * The waiting rooms of all performances, in Redis only: every instance shares them, and they
 * survive restarts. A fan joins once (joining again keeps the place), waits, is admitted by the
 * one ticker of the cluster ({@link AdmissionTicker}) and keeps a session until it runs out,
 * the fan leaves, or the fan's payment ends.
 */
public class WaitingRoom {
  /** Where a fan stands. {@code position} counts from 1 while waiting. */
  public sealed interface Place permits Waiting, Admitted, Gone {}

  public record Waiting(long position) implements Place {}

  public record Admitted(Instant sessionEndsAt, String sessionId) implements Place {}

  /** Not in line nor admitted: the session ran out, the fan left, or never joined. */
  public record Gone() implements Place {}

  /** One admission tick's outcome. */
  public record Tick(int admitted, int sessionsEnded) {}

  private final UnifiedJedis redis;
  private final QueueKeys keys;
  private final QueueTokens tokens;
  private final Clock clock;
  private final QueueListener listener;

  public WaitingRoom(UnifiedJedis redis, String namespace, QueueTokens tokens, Clock clock,
      QueueListener listener) {
    this.redis = redis;
    this.keys = new QueueKeys(namespace);
    this.tokens = tokens;
    this.clock = clock;
    this.listener = listener;
  }

  public QueueTokens tokens() {
    return tokens;
  }

  public Clock clock() {
    return clock;
  }

  /** Puts the fan in line (shuffled if the sale has not opened), or answers the fan's place. */
  public Place join(QueuePolicy policy, String userId) {
    String perf = policy.performanceId();
    List<Object> reply = list(redis.eval(QueueScripts.JOIN,
        List.of(keys.waiting(perf), keys.admitted(perf), keys.joined(perf), keys.seq(perf),
            keys.active()),
        List.of(userId, Long.toString(clock.millis()),
            Long.toString(policy.saleOpensAt().toEpochMilli()),
            Double.toString(tokens.draw(perf, userId)), perf)));
    if (number(reply.get(0)) == 1) {
      // The session id is read by status; joining again while admitted only needs the end.
      return status(perf, userId);
    }
    return new Waiting(number(reply.get(1)) + 1);
  }

  public Place status(String performanceId, String userId) {
    List<Object> reply = list(redis.eval(QueueScripts.STATUS,
        List.of(keys.waiting(performanceId), keys.admitted(performanceId),
            keys.sessions(performanceId)),
        List.of(userId, Long.toString(clock.millis()))));
    long state = number(reply.get(0));
    if (state == 1) {
      return new Admitted(Instant.ofEpochMilli(number(reply.get(1))), text(reply.get(2)));
    }
    return state == 0 ? new Waiting(number(reply.get(1)) + 1) : new Gone();
  }

  /** The fan leaves the line or ends the session; true if the fan was in either. */
  public boolean leave(String performanceId, String userId) {
    return number(redis.eval(QueueScripts.LEAVE,
        List.of(keys.waiting(performanceId), keys.admitted(performanceId),
            keys.joined(performanceId), keys.sessions(performanceId)),
        List.of(userId))) > 0;
  }

  /** The fan's payment ended at {@code endedAt}: the session that led to it frees its place. */
  public boolean paymentEnded(String performanceId, String userId, Instant endedAt,
      QueuePolicy.Defaults defaults) {
    return number(redis.eval(QueueScripts.PAYMENT_ENDED,
        List.of(keys.admitted(performanceId), keys.sessions(performanceId)),
        List.of(userId, Long.toString(endedAt.toEpochMilli()),
            Long.toString(defaults.session().toMillis())))) == 1;
  }

  /** One admission step for a performance; only the ticker's lease holder calls it. */
  public Tick admit(QueuePolicy policy) {
    String perf = policy.performanceId();
    long now = clock.millis();
    List<Object> reply = list(redis.eval(QueueScripts.ADMIT,
        List.of(keys.waiting(perf), keys.admitted(perf), keys.joined(perf), keys.sessions(perf),
            keys.sessionSeq(perf), keys.bucket(perf)),
        List.of(Long.toString(now), Integer.toString(policy.admitPerSecond()),
            Integer.toString(policy.maxAdmitted()), Long.toString(policy.session().toMillis()),
            Long.toString(policy.saleOpensAt().toEpochMilli()))));
    int admitted = (int) number(reply.get(0));
    if (admitted > 0) {
      List<Long> waited = new ArrayList<>(admitted);
      for (int i = 2; i < reply.size(); i++) {
        waited.add(Math.max(0, now - number(reply.get(i))));
      }
      listener.admitted(perf, waited);
    }
    return new Tick(admitted, (int) number(reply.get(1)));
  }

  /** Reports the queue's length and running sessions to the listener. */
  public void measure(QueuePolicy policy) {
    String perf = policy.performanceId();
    List<Object> reply = list(redis.eval(QueueScripts.COUNTS,
        List.of(keys.waiting(perf), keys.admitted(perf)), List.of(Long.toString(clock.millis()))));
    listener.measured(perf, number(reply.get(0)), number(reply.get(1)), policy.maxAdmitted(),
        !clock.instant().isBefore(policy.saleOpensAt()));
  }

  /** Admissions ever made for the performance (session ids are their sequence). */
  public long admissions(String performanceId) {
    String count = redis.get(keys.sessionSeq(performanceId));
    return count == null ? 0 : Long.parseLong(count);
  }

  /** Performances whose queue a fan has joined. */
  public Set<String> active() {
    return redis.smembers(keys.active());
  }

  /** Forgets a performance's queue entirely (operators, benchmarks); fans must join again. */
  public void reset(String performanceId) {
    redis.del(keys.waiting(performanceId), keys.seq(performanceId), keys.joined(performanceId),
        keys.admitted(performanceId), keys.sessions(performanceId),
        keys.sessionSeq(performanceId), keys.bucket(performanceId));
    redis.srem(keys.active(), performanceId);
  }

  /** Fans in line, first first (for benchmarks and operators; one call per 10,000 fans). */
  public List<String> line(String performanceId, long from, long to) {
    return redis.zrange(keys.waiting(performanceId), from, to);
  }

  /** The order in which fans were admitted so far: user and session id (its sequence). */
  public java.util.Map<String, String> sessions(String performanceId) {
    return redis.hgetAll(keys.sessions(performanceId));
  }

  /** Lets one instance at a time hold the ticker's lease; true if {@code holder} has it now. */
  boolean lease(String holder, long ttlMs) {
    return number(redis.eval(QueueScripts.LEASE, List.of(keys.ticker()),
        List.of(holder, Long.toString(ttlMs)))) == 1;
  }

  /**
   * A random secret shared through Redis, for dev stacks without QUEUE_TOKEN_SECRET: the first
   * instance sets it, the others read it, so every instance of the stack checks the same tokens.
   */
  public static byte[] devSecret(UnifiedJedis redis, String namespace) {
    String key = new QueueKeys(namespace).secret();
    byte[] fresh = new byte[32];
    new java.security.SecureRandom().nextBytes(fresh);
    redis.setnx(key, java.util.HexFormat.of().formatHex(fresh));
    return redis.get(key).getBytes(StandardCharsets.US_ASCII);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object reply) {
    return (List<Object>) reply;
  }

  private static long number(Object value) {
    if (value instanceof Long n) {
      return n;
    }
    return (long) Double.parseDouble(text(value));
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
        : String.valueOf(value);
  }
}
