package dev.soldout.seats.hold;

import dev.soldout.events.SeatKey;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Seat holds: Redis in front; with a database, a fallback to row locks while Redis cannot be
 * reached, chosen by a circuit breaker, so sales go on, more slowly, and switch back by
 * themselves. Neither is the authority: the seat ledger decides who buys a seat, so a hold lost
 * in a failover, or one store not knowing the other's holds, can never sell a seat twice.
 */
public class HoldStore {
  private static final Logger log = LoggerFactory.getLogger(HoldStore.class);

  private final RedisHolds redis;
  private final DbHolds db;
  private final SeatSales sales;
  private final CircuitBreaker redisBreaker;
  private final HoldPolicy policy;
  private final Clock clock;
  private final HoldListener listener;
  /** Set when the fallback took a hold, until Redis has been told of the fallback's holds. */
  private final AtomicBoolean fallbackHoldsToAdopt = new AtomicBoolean();

  /** Holds in Redis only, without a per-fan limit. */
  public HoldStore(UnifiedJedis redis, String namespace, Duration ttl, Clock clock) {
    this(redis, namespace, null, HoldPolicy.of(ttl), clock, HoldListener.NONE);
  }

  /**
   * @param database the catalog's database, for the fallback and sold seats; null for Redis only
   */
  public HoldStore(UnifiedJedis redis, String namespace, Jdbi database, HoldPolicy policy,
      Clock clock, HoldListener listener) {
    this.redis = new RedisHolds(redis, namespace, policy, listener);
    this.db = database == null ? null : new DbHolds(database, policy);
    this.sales = database == null ? null : new SeatSales(database);
    this.policy = policy;
    this.clock = clock;
    this.listener = listener;
    this.redisBreaker = CircuitBreaker.of("redis-holds", CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(10)
        .minimumNumberOfCalls(3)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(2))
        .permittedNumberOfCallsInHalfOpenState(2)
        .recordExceptions(JedisConnectionException.class)
        .build());
    redisBreaker.getEventPublisher().onStateTransition(event ->
        log.warn("seat holds: Redis circuit {}", event.getStateTransition()));
  }

  public HoldPolicy policy() {
    return policy;
  }

  /** Decides between Redis and the fallback; exposed for its metrics. */
  public CircuitBreaker redisBreaker() {
    return redisBreaker;
  }

  /** Holds the seat for the fan, or throws HoldRejectedException with the reason. */
  public Hold take(SeatKey seat, String userId) {
    // Both stores keep milliseconds; a hold reads back equal to the one returned.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    boolean fallback = false;
    try {
      Hold hold;
      if (db == null) {
        hold = redis.take(seat, userId, UUID.randomUUID().toString(), now);
      } else {
        try {
          hold = redisBreaker.executeSupplier(
              () -> redis.take(seat, userId, UUID.randomUUID().toString(), now));
          if (fallbackHoldsToAdopt.compareAndSet(true, false)) {
            CompletableFuture.runAsync(this::adoptFallbackHolds);
          }
        } catch (CallNotPermittedException | JedisConnectionException e) {
          fallback = true;
          fallbackHoldsToAdopt.set(true);
          hold = db.take(seat, userId, DbHolds.PREFIX + UUID.randomUUID(), now);
        }
      }
      listener.attempted(HoldListener.Attempt.HELD, fallback);
      return hold;
    } catch (HoldRejectedException e) {
      listener.attempted(switch (e.reason()) {
        case HELD -> HoldListener.Attempt.CONFLICT;
        case SOLD -> HoldListener.Attempt.SOLD;
        case FAN_LIMIT -> HoldListener.Attempt.FAN_LIMIT;
      }, fallback);
      throw e;
    }
  }

  /** The live hold, or empty when it never existed or has expired. */
  public Optional<Hold> find(String holdId) {
    return backendOf(holdId).find(holdId);
  }

  /** Compare-and-delete; true when this hold still guarded its seat. */
  public boolean release(Hold hold) {
    return release(hold.seat(), hold.holdId());
  }

  /** Compare-and-delete by id, for callers that know the seat but not the hold's details. */
  public boolean release(SeatKey seat, String holdId) {
    if (!DbHolds.owns(holdId)) {
      return redis.release(seat, holdId);
    }
    boolean released = db.release(seat, holdId);
    // A fallback hold may have been put in front of Redis when it came back.
    quietly("release the Redis copy of " + holdId, () -> redis.release(seat, holdId));
    return released;
  }

  /** The payment succeeded: the seat can never be held again, and the hold is spent. */
  public void markSold(SeatKey seat, String holdId, String paymentTxId) {
    if (DbHolds.owns(holdId)) {
      db.release(seat, holdId);
    }
    redis.markSold(seat, holdId, paymentTxId);
  }

  /** Records sales in the database; returns those refused because the seat was sold already. */
  public List<SeatSales.Sale> recordSales(List<SeatSales.Sale> sold) {
    return sales == null ? List.of() : sales.record(sold);
  }

  /** The hold's payment is in flight: the heartbeat keeps it alive until it ends. */
  public boolean keepAlive(String holdId) {
    return backendOf(holdId).keepAlive(holdId, clock.instant());
  }

  /** The hold's payment ended: it is no longer extended. */
  public void stopKeeping(String holdId) {
    backendOf(holdId).stopKeeping(holdId);
  }

  /**
   * One heartbeat: extends the holds of payments in flight, and counts holds that expired
   * unpaid. Each store is beaten on its own, so one being down does not stop the other.
   */
  public void heartbeat() {
    Instant now = clock.instant();
    quietly("extend holds in Redis", () -> {
      redis.heartbeat(now);
      listener.expired(redis.sweepExpired(now));
      return null;
    });
    if (db != null) {
      quietly("extend holds in the database", () -> db.heartbeat(now));
    }
  }

  /**
   * Redis keeps nothing across a restart without persistence: once it answers again without
   * its sold marks, they are put back from the sales table, so a sold seat is never held again.
   * Cheap when nothing was lost: one EXISTS.
   */
  public void restoreSoldMarks() {
    if (sales == null) {
      return;
    }
    quietly("restore the sold marks in Redis", () -> {
      if (!redis.soldMarksHere()) {
        List<SeatSales.Sale> sold = sales.all();
        redis.restoreSoldMarks(sold);
        log.warn("Redis had no sold marks (a first start, or a restart without its data); {}"
            + " put back from the sales table", sold.size());
      }
      return null;
    });
  }

  /** Live holds taken more than {@code age} ago, oldest first: the stuck ones, for operators. */
  public List<Hold> olderThan(Duration age) {
    Instant now = clock.instant();
    Stream<Hold> all = redis.takenBefore(now.minus(age), now).stream();
    if (db != null) {
      all = Stream.concat(all, db.takenBefore(now.minus(age), now).stream());
    }
    return all.sorted(Comparator.comparing(Hold::heldAt)).toList();
  }

  /**
   * The seat map: SOLD from the sales table and Redis's sold marks, HELD from either store, in a
   * few batched round trips. While Redis is down the map shows what the database knows.
   */
  public List<SeatState> states(List<SeatKey> seats) {
    if (seats.isEmpty()) {
      return List.of();
    }
    if (db == null) {
      return redis.states(seats);
    }
    String performanceId = seats.get(0).performanceId();
    Set<String> sold = sales.soldSeats(performanceId);
    Set<String> held = db.heldSeats(performanceId, clock.instant());
    List<SeatState> front;
    try {
      front = redisBreaker.executeSupplier(() -> redis.states(seats));
    } catch (CallNotPermittedException | JedisConnectionException e) {
      front = null;
    }
    List<SeatState> states = new ArrayList<>(seats.size());
    for (int i = 0; i < seats.size(); i++) {
      String seatId = seats.get(i).seatId();
      SeatState inRedis = front == null ? SeatState.AVAILABLE : front.get(i);
      states.add(sold.contains(seatId) || inRedis == SeatState.SOLD ? SeatState.SOLD
          : held.contains(seatId) || inRedis == SeatState.HELD ? SeatState.HELD
          : SeatState.AVAILABLE);
    }
    return states;
  }

  /**
   * Which transaction Redis marked each seat sold to (null where unmarked): Redis only, so the
   * consistency check can compare it with the seat ledger and the sales table.
   */
  public List<String> soldInRedis(List<SeatKey> seats) {
    return seats.isEmpty() ? List.of() : redis.soldTo(seats);
  }

  public boolean ping() {
    return redis.ping();
  }

  private HoldBackend backendOf(String holdId) {
    return db != null && DbHolds.owns(holdId) ? db : redis;
  }

  /** Redis is back: holds taken in the fallback guard their seats there too. */
  private void adoptFallbackHolds() {
    Instant now = clock.instant();
    int adopted = 0;
    for (Hold hold : db.live(now)) {
      Boolean taken = quietly("adopt " + hold.holdId(), () -> redis.adopt(hold, now));
      if (taken == null) {
        fallbackHoldsToAdopt.set(true);
        return;
      }
      adopted += taken ? 1 : 0;
    }
    log.info("seat holds: {} holds of the fallback now guard their seats in Redis too", adopted);
  }

  private static <T> T quietly(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      log.warn("could not {}: {}", what, e.toString());
      return null;
    }
  }
}
