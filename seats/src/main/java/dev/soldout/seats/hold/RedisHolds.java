package dev.soldout.seats.hold;

import dev.soldout.events.SeatKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * Holds in Redis: SET NX PX per seat, a fencing token per seat, compare-and-delete release, all
 * in Lua so each check-and-change is atomic. Redis is the fast front guard of a seat, not its
 * authority: the seat ledger decides who buys it, so a hold lost in a failover cannot sell it
 * twice.
 */
final class RedisHolds implements HoldBackend {
  /** MGET batch size for seat maps: large venues are read in a few round trips, not thousands. */
  private static final int BATCH = 1_000;

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final HoldPolicy policy;
  private final HoldListener listener;

  RedisHolds(UnifiedJedis redis, String namespace, HoldPolicy policy, HoldListener listener) {
    this.redis = redis;
    this.keys = new RedisKeys(namespace);
    this.policy = policy;
    this.listener = listener;
  }

  @Override
  public Hold take(SeatKey seat, String userId, String holdId, Instant now) {
    long ttl = policy.ttl().toMillis();
    long result = (Long) timed("take", () -> redis.eval(HoldScripts.TAKE,
        List.of(keys.seatHold(seat), keys.fence(seat), keys.sold(seat), keys.hold(holdId),
            keys.fan(seat.performanceId(), userId), keys.index()),
        List.of(holdId, Long.toString(ttl), seat.performanceId(), seat.seatId(), userId,
            Long.toString(now.toEpochMilli()),
            Long.toString(HoldPolicy.tokenFloor(now.toEpochMilli())),
            Integer.toString(policy.holdsPerFan()))));
    if (result == -3) {
      throw new HoldRejectedException(HoldRejectedException.Reason.FAN_LIMIT, "you already hold "
          + policy.holdsPerFan() + " seat(s) of performance " + seat.performanceId());
    }
    if (result == -2) {
      throw new HoldRejectedException(HoldRejectedException.Reason.SOLD,
          "seat " + seat.asString() + " is sold");
    }
    if (result == -1) {
      throw new HoldRejectedException(HoldRejectedException.Reason.HELD,
          "seat " + seat.asString() + " is held by another fan");
    }
    return new Hold(holdId, seat.performanceId(), seat.seatId(), userId, result, now,
        now.plusMillis(ttl));
  }

  @Override
  public Optional<Hold> find(String holdId) {
    Map<String, String> fields = timed("find", () -> redis.hgetAll(keys.hold(holdId)));
    return fields.isEmpty() ? Optional.empty() : Optional.of(hold(holdId, fields));
  }

  private static Hold hold(String holdId, Map<String, String> fields) {
    return new Hold(holdId, fields.get("performanceId"), fields.get("seatId"),
        fields.get("userId"), Long.parseLong(fields.get("fencingToken")),
        Instant.ofEpochMilli(Long.parseLong(fields.get("heldAtMs"))),
        Instant.ofEpochMilli(Long.parseLong(fields.get("expiresAtMs"))));
  }

  @Override
  public boolean release(SeatKey seat, String holdId) {
    Object released = timed("release", () -> redis.eval(HoldScripts.RELEASE,
        List.of(keys.seatHold(seat), keys.hold(holdId), keys.paying(), keys.index()),
        List.of(holdId)));
    return Long.valueOf(1).equals(released);
  }

  /** The seat can never be held again, and the hold (if it is one of Redis's) is spent. */
  void markSold(SeatKey seat, String holdId, String paymentTxId) {
    timed("mark_sold", () -> redis.eval(HoldScripts.MARK_SOLD,
        List.of(keys.seatHold(seat), keys.hold(holdId), keys.paying(), keys.index(),
            keys.sold(seat)),
        List.of(holdId, paymentTxId)));
  }

  @Override
  public boolean keepAlive(String holdId, Instant now) {
    Object kept = timed("keep_alive", () -> redis.eval(HoldScripts.KEEP, List.of(keys.paying()),
        List.of(keys.holdPrefix(), Long.toString(policy.ttl().toMillis()),
            Long.toString(now.toEpochMilli()), Long.toString(policy.maxLifetime().toMillis()),
            holdId)));
    return Long.valueOf(1).equals(kept);
  }

  @Override
  public void stopKeeping(String holdId) {
    timed("keep_alive", () -> redis.zrem(keys.paying(), holdId));
  }

  @Override
  public int heartbeat(Instant now) {
    Object kept = timed("heartbeat", () -> redis.eval(HoldScripts.HEARTBEAT,
        List.of(keys.paying()),
        List.of(keys.holdPrefix(), Long.toString(policy.ttl().toMillis()),
            Long.toString(now.toEpochMilli()), Long.toString(policy.maxLifetime().toMillis()))));
    return ((Long) kept).intValue();
  }

  /** Counts and forgets holds that expired unpaid since the last sweep. */
  int sweepExpired(Instant now) {
    Object gone = timed("heartbeat", () -> redis.eval(HoldScripts.SWEEP_EXPIRED,
        List.of(keys.index()), List.of(keys.holdPrefix(),
            Long.toString(now.minus(policy.ttl()).toEpochMilli()))));
    return ((Long) gone).intValue();
  }

  @Override
  public List<Hold> takenBefore(Instant heldBefore, Instant now) {
    List<String> ids = timed("list", () -> redis.zrangeByScore(keys.index(), Double.NEGATIVE_INFINITY,
        heldBefore.toEpochMilli()));
    List<Hold> live = new ArrayList<>();
    for (String id : ids) {
      find(id).ifPresent(live::add);
    }
    return live;
  }

  /** Puts a hold taken in the fallback in front of its seat, unless Redis has one already. */
  boolean adopt(Hold hold, Instant now) {
    long remaining = hold.expiresAt().toEpochMilli() - now.toEpochMilli();
    if (remaining <= 0) {
      return false;
    }
    Object adopted = timed("adopt", () -> redis.eval(HoldScripts.ADOPT,
        List.of(keys.seatHold(hold.seat())), List.of(hold.holdId(), Long.toString(remaining))));
    return Long.valueOf(1).equals(adopted);
  }

  /** SOLD or HELD as Redis sees the seats, in a few batched round trips. */
  List<SeatState> states(List<SeatKey> seats) {
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

  /** The transaction each seat's sold mark names (null where none), batched like states. */
  List<String> soldTo(List<SeatKey> seats) {
    List<String> sold = new ArrayList<>(seats.size());
    for (int from = 0; from < seats.size(); from += BATCH) {
      String[] lookups = seats.subList(from, Math.min(seats.size(), from + BATCH)).stream()
          .map(keys::sold).toArray(String[]::new);
      sold.addAll(timed("sold_to", () -> redis.mget(lookups)));
    }
    return sold;
  }

  /** Whether Redis still has every sold mark (false after it restarted without its data). */
  boolean soldMarksHere() {
    return timed("sold_marks", () -> redis.exists(keys.soldMarksHere()));
  }

  /** Puts the sold marks back, in batched writes, then says they are all here. */
  void restoreSoldMarks(List<SeatSales.Sale> sales) {
    for (int from = 0; from < sales.size(); from += BATCH) {
      List<SeatSales.Sale> batch = sales.subList(from, Math.min(sales.size(), from + BATCH));
      String[] marks = new String[batch.size() * 2];
      for (int i = 0; i < batch.size(); i++) {
        marks[2 * i] = keys.sold(batch.get(i).seat());
        marks[2 * i + 1] = batch.get(i).paymentTxId();
      }
      timed("sold_marks", () -> redis.mset(marks));
    }
    timed("sold_marks", () -> redis.set(keys.soldMarksHere(), Integer.toString(sales.size())));
  }

  boolean ping() {
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
