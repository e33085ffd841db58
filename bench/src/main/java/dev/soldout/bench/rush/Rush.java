package dev.soldout.bench.rush;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.bench.check.Invariants;
import dev.soldout.bench.http.JsonHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The on-sale itself: fans arrive at a fixed rate (an open model: the schedule never waits for
 * the system), each tries seats until one holds or the seat map is empty, pays, and long-polls
 * its payment to a final state. Every request is asynchronous; one thread paces the arrivals.
 */
public final class Rush {
  /** A fan's hold attempts stay under the per-fan rate limit (30 holds and payments a minute). */
  static final int MAX_HOLD_ATTEMPTS = 25;

  /** What the rush saw: latencies, event times, request counts, and each payment's outcome. */
  public static final class Result {
    public final Latencies holdLatency = new Latencies();
    public final Latencies acceptLatency = new Latencies();
    public final Latencies terminalLatency = new Latencies();
    public final Events holds = new Events();
    public final Events accepted = new Events();
    public final Events completed = new Events();
    public final LongAdder requests = new LongAdder();
    public final LongAdder holdAttempts = new LongAdder();
    public final LongAdder seatTaken = new LongAdder();
    public final LongAdder soldOutFans = new LongAdder();
    public final LongAdder polls = new LongAdder();
    public final Map<String, LongAdder> unexpected = new ConcurrentHashMap<>();
    public final Map<String, String> finalStatus = new ConcurrentHashMap<>();
    public final List<Invariants.Outcome> outcomes = new ArrayList<>();
    public final AtomicLong worstArrivalLagNanos = new AtomicLong();
    public long startNanos;
    public long endNanos;

    void unexpected(String what) {
      unexpected.computeIfAbsent(what, k -> new LongAdder()).increment();
    }
  }

  private final JsonHttp http;
  private final String api;
  private final String performanceId;
  private final SeatPool pool;
  private final List<String> bearers;
  private final long waitMs;
  private final Result result = new Result();
  private final ScheduledExecutorService later =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-later"));
  private final SeatMapRefresh refresh;
  private CountDownLatch fansDone;
  private volatile boolean stopped;

  /** @param bearers one "Bearer ..." header per fan, minted before the rush */
  public Rush(JsonHttp http, String api, String performanceId, List<SeatPool.Seat> seats,
      List<String> bearers, long waitMs) {
    this.http = http;
    this.api = api;
    this.performanceId = performanceId;
    this.pool = new SeatPool(seats);
    this.bearers = bearers;
    this.waitMs = waitMs;
    this.refresh = new SeatMapRefresh(http, api, performanceId, pool, result);
  }

  /** Plays the rush; returns when every fan is done or the timeout passed. */
  public Result play(double arrivalSeconds, long timeoutSeconds) throws InterruptedException {
    int fans = bearers.size();
    fansDone = new CountDownLatch(fans);
    long interval = (long) (arrivalSeconds * 1e9 / Math.max(1, fans));
    result.startNanos = System.nanoTime();
    for (int i = 0; i < fans; i++) {
      long due = result.startNanos + i * interval;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      result.worstArrivalLagNanos.accumulateAndGet(System.nanoTime() - due, Math::max);
      new Fan(bearers.get(i), new Random(i)).tryHold();
    }
    boolean all = fansDone.await(timeoutSeconds, TimeUnit.SECONDS);
    result.endNanos = System.nanoTime();
    stopped = true;
    if (!all) {
      result.unexpected("fans still busy at the timeout: " + fansDone.getCount());
    }
    later.shutdownNow();
    return result;
  }

  private final class Fan {
    private final String bearer;
    private final Random random;
    private int attempts;

    Fan(String bearer, Random random) {
      this.bearer = bearer;
      this.random = random;
    }

    void tryHold() {
      SeatPool.Seat seat = pool.pick(random);
      if (seat == null) {
        // The map looks sold out: one fresh look (shared by every fan) before giving up.
        refresh.fresh().whenComplete((ok, error) -> {
          SeatPool.Seat again = pool.pick(random);
          if (again == null) {
            result.soldOutFans.increment();
            fansDone.countDown();
          } else {
            hold(again);
          }
        });
        return;
      }
      hold(seat);
    }

    private void hold(SeatPool.Seat seat) {
      if (++attempts > MAX_HOLD_ATTEMPTS) {
        result.unexpected("fan gave up after " + MAX_HOLD_ATTEMPTS + " hold attempts");
        fansDone.countDown();
        return;
      }
      long sent = System.nanoTime();
      result.requests.increment();
      result.holdAttempts.increment();
      http.post(api + "/holds", Map.of("performanceId", performanceId, "seatId", seat.seatId()),
              "Authorization", bearer)
          .whenComplete((answer, error) -> {
            long now = System.nanoTime();
            if (error != null) {
              result.unexpected("hold: " + rootMessage(error));
              later.schedule(this::tryHold, 100, TimeUnit.MILLISECONDS);
              return;
            }
            result.holdLatency.add(now - sent);
            if (answer.status() == 201) {
              result.holds.mark(now);
              pool.taken(seat);
              pay(seat, answer.body().path("holdId").asText(), System.nanoTime());
            } else if (answer.status() == 409
                && "SEAT_UNAVAILABLE".equals(answer.body().path("error").asText())) {
              result.seatTaken.increment();
              pool.taken(seat);
              tryHold();
            } else {
              result.unexpected("hold " + answer.status() + " " + answer.body().path("error"));
              if (answer.status() == 409) {
                fansDone.countDown();
              } else {
                later.schedule(this::tryHold, 100, TimeUnit.MILLISECONDS);
              }
            }
          });
    }

    /**
     * The POST is idempotent (the key is the hold id), so a lost or refused-for-now answer is
     * sent again until the rush ends: the payment may exist already, and the bench must learn
     * its id or the final check would find a sale it cannot account for.
     */
    private void pay(SeatPool.Seat seat, String holdId, long firstSent) {
      long sent = System.nanoTime();
      result.requests.increment();
      http.post(api + "/payments", Map.of("holdId", holdId, "amount", seat.price()),
              "Idempotency-Key", holdId, "Authorization", bearer)
          .whenComplete((answer, error) -> {
            long now = System.nanoTime();
            if (error != null || answer.status() >= 500) {
              result.unexpected("payment: " + (error != null ? rootMessage(error)
                  : answer.status() + " " + answer.body().path("error").asText()));
              if (!stopped) {
                later.schedule(() -> pay(seat, holdId, firstSent), 200, TimeUnit.MILLISECONDS);
              }
              return;
            }
            boolean replayOfFinished = answer.status() == 200
                && answer.body().hasNonNull("paymentTxId");
            if (answer.status() != 202 && !replayOfFinished) {
              result.unexpected("payment " + answer.status() + " "
                  + answer.body().path("error").asText());
              fansDone.countDown();
              return;
            }
            result.acceptLatency.add(now - sent);
            result.accepted.mark(now);
            String tx = answer.body().path("paymentTxId").asText();
            synchronized (result.outcomes) {
              result.outcomes.add(new Invariants.Outcome(tx, null,
                  performanceId + "/" + seat.seatId(), seat.price()));
            }
            result.finalStatus.put(tx, "PENDING");
            if (replayOfFinished) {
              // An earlier attempt's answer was lost and the payment finished meanwhile.
              result.unexpected("payment replay answered 200 "
                  + answer.body().path("status").asText());
              String outcome = answer.body().path("outcome").asText(
                  answer.body().path("status").asText());
              finished(tx, outcome.equals("SUCCESS") ? "SUCCESS" : "CANCELLED", firstSent, now);
            } else {
              poll(tx, firstSent);
            }
          });
    }

    private void finished(String tx, String status, long paySent, long now) {
      result.finalStatus.put(tx, status);
      result.terminalLatency.add(now - paySent);
      result.completed.mark(now);
      fansDone.countDown();
    }

    private void poll(String tx, long paySent) {
      result.requests.increment();
      result.polls.increment();
      http.get(api + "/payments/" + tx + "?waitMs=" + waitMs, "Authorization", bearer)
          .whenComplete((answer, error) -> {
            long now = System.nanoTime();
            if (error != null) {
              result.unexpected("poll: " + rootMessage(error));
              if (stopped) {
                return;
              }
              later.schedule(() -> poll(tx, paySent), 100, TimeUnit.MILLISECONDS);
              return;
            }
            String status = answer.body().path("status").asText("");
            if (answer.status() == 200 && (status.equals("SUCCESS")
                || status.equals("CANCELLED"))) {
              finished(tx, status, paySent, now);
            } else if (answer.status() == 200 || answer.status() == 404) {
              poll(tx, paySent);
            } else {
              result.unexpected("poll " + answer.status() + " " + answer.body().path("error"));
              later.schedule(() -> poll(tx, paySent), 100, TimeUnit.MILLISECONDS);
            }
          });
    }
  }

  public static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  /** Reads the seat map once for every fan that finds its map empty, at most once a second. */
  static final class SeatMapRefresh {
    private final JsonHttp http;
    private final String url;
    private final SeatPool pool;
    private final Result result;
    private java.util.concurrent.CompletableFuture<Void> last;
    private long lastAt;

    SeatMapRefresh(JsonHttp http, String api, String performanceId, SeatPool pool,
        Result result) {
      this.http = http;
      this.url = api + "/performances/" + performanceId + "/seats";
      this.pool = pool;
      this.result = result;
    }

    synchronized java.util.concurrent.CompletableFuture<Void> fresh() {
      if (last != null && (!last.isDone() || System.nanoTime() - lastAt < 1_000_000_000L)) {
        return last;
      }
      lastAt = System.nanoTime();
      result.requests.increment();
      last = http.get(url).thenAccept(answer -> {
        for (JsonNode seat : answer.body()) {
          if ("AVAILABLE".equals(seat.path("status").asText())) {
            pool.available(seat.path("seatId").asText());
          }
        }
      }).exceptionally(error -> null);
      return last;
    }
  }
}
