package dev.soldout.seats.hold;

import dev.soldout.events.SeatKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * Seat holds in Redis. Redis is the fast front guard of a seat, not its authority: the seat
 * ledger in the topology decides who buys it, so a hold lost in a failover cannot sell it twice.
 */
public class HoldStore {
  /** MGET batch size for seat maps: large venues are read in a few round trips, not thousands. */
  private static final int BATCH = 1_000;

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Duration ttl;
  private final Clock clock;
  private final HoldListener listener;

  public HoldStore(UnifiedJedis redis, String namespace, Duration ttl, Clock clock) {
    this(redis, namespace, ttl, clock, HoldListener.NONE);
  }

  public HoldStore(UnifiedJedis redis, String namespace, Duration ttl, Clock clock,
      HoldListener listener) {
    this.redis = redis;
    this.keys = new RedisKeys(namespace);
    this.ttl = ttl;
    this.clock = clock;
    this.listener = listener;
  }

  /** Holds the seat for the user, or throws HoldRejectedException when it is held or sold. */
  public Hold take(SeatKey seat, String userId) {
    String holdId = UUID.randomUUID().toString();
    Instant expiresAt = clock.instant().plus(ttl);
    long result = (Long) timed("take", () -> redis.eval(HoldScripts.TAKE,
        List.of(keys.seatHold(seat), keys.fence(seat), keys.sold(seat), keys.hold(holdId)),
        List.of(holdId, Long.toString(ttl.toMillis()), seat.performanceId(), seat.seatId(), userId,
            expiresAt.toString())));
    if (result == -2) {
      listener.attempted(HoldListener.Attempt.SOLD);
      throw new HoldRejectedException("seat " + seat.asString() + " is sold");
    }
    if (result == -1) {
      listener.attempted(HoldListener.Attempt.CONFLICT);
      throw new HoldRejectedException("seat " + seat.asString() + " is held by another fan");
    }
    listener.attempted(HoldListener.Attempt.HELD);
    return new Hold(holdId, seat.performanceId(), seat.seatId(), userId, result, expiresAt);
  }

  /** The live hold, or empty when it never existed or has expired. */
  public Optional<Hold> find(String holdId) {
    Map<String, String> fields = timed("find", () -> redis.hgetAll(keys.hold(holdId)));
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Hold(holdId, fields.get("performanceId"), fields.get("seatId"),
        fields.get("userId"), Long.parseLong(fields.get("fencingToken")),
        Instant.parse(fields.get("expiresAt"))));
  }

  /** Compare-and-delete; true when this hold still guarded its seat. */
  public boolean release(Hold hold) {
    return release(hold.seat(), hold.holdId());
  }

  /** Compare-and-delete by id, for callers that know the seat but not the hold's details. */
  public boolean release(SeatKey seat, String holdId) {
    Object released = timed("release", () -> redis.eval(HoldScripts.RELEASE,
        List.of(keys.seatHold(seat), keys.hold(holdId)), List.of(holdId)));
    return Long.valueOf(1).equals(released);
  }

  /** The payment succeeded: the seat can never be held again, and the hold is spent. */
  public void markSold(SeatKey seat, String holdId, String paymentTxId) {
    timed("mark_sold", () -> redis.eval(HoldScripts.MARK_SOLD,
        List.of(keys.seatHold(seat), keys.hold(holdId), keys.sold(seat)),
        List.of(holdId, paymentTxId)));
  }

  /** States of many seats of one performance in a few batched round trips. */
  public List<SeatState> states(List<SeatKey> seats) {
    List<SeatState> states = new ArrayList<>(seats.size());
    for (int from = 0; from < seats.size(); from += BATCH) {
      List<SeatKey> batch = seats.subList(from, Math.min(seats.size(), from + BATCH));
      String[] lookups = new String[batch.size() * 2];
      for (int i = 0; i < batch.size(); i++) {
        lookups[2 * i] = keys.sold(batch.get(i));
        lookups[2 * i + 1] = keys.seatHold(batch.get(i));
      }
      List<String> values = timed("states", () -> redis.mget(lookups));
      for (int i = 0; i < batch.size(); i++) {
        states.add(values.get(2 * i) != null ? SeatState.SOLD
            : values.get(2 * i + 1) != null ? SeatState.HELD : SeatState.AVAILABLE);
      }
    }
    return states;
  }

  public boolean ping() {
    return "PONG".equals(redis.ping());
  }

  /** Times one Redis round trip, failed ones too: a slow Redis shows before it times out. */
  private <T> T timed(String operation, Supplier<T> call) {
    long started = System.nanoTime();
    try {
      return call.get();
    } finally {
      listener.redisCall(operation, System.nanoTime() - started);
    }
  }
}
