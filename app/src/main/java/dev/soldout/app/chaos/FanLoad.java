package dev.soldout.app.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.api.security.FanTokens;
import dev.soldout.bench.http.JsonHttp;
import dev.soldout.events.Json;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A steady stream of fans through the API: every tick a new fan holds a seat, pays for it and
 * long-polls the payment until it is terminal. Arrivals are open-loop (a fixed rate; a fan is
 * turned away only when too many are between hold and 202), so a fault slows nobody's arrival.
 * Every request is logged with its latency and answer; every fan's journey with its outcome.
 *
 * <p>A fraction of fans ask for a seat another fan took a moment ago: normally a 409, but when a
 * store lost a hold or a sold mark, two payments race for one seat, which the seat ledger must
 * settle. Fans go to the instances in turn; a refused connection is retried on the next one, as
 * a load balancer would (counted in {@link #rerouted()}).
 */
final class FanLoad implements AutoCloseable {
  /** One HTTP request: kind hold, pay or poll; status -1 when no answer came. */
  record Call(long atMs, String kind, int status, long latencyMs) {}

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final long WAIT_MS = 5_000;
  /** A fan gives up polling after this; the run's drain asks again. */
  private static final long POLL_BOUND_MS = 240_000;
  private static final double RACE_SHARE = 0.2;

  private final List<String> instances;
  private final List<Seat> seats;
  private final FanTokens tokens;
  private final String run;
  private final long originNanos;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1)).build();
  private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "fan-load");
    t.setDaemon(true);
    return t;
  });
  private final List<Journey> journeys = new ArrayList<>();
  private final List<Call> calls = new ArrayList<>();
  private final AtomicInteger nextSeat = new AtomicInteger();
  private final AtomicInteger nextInstance = new AtomicInteger();
  private final AtomicInteger buying = new AtomicInteger();
  private final AtomicInteger turnedAway = new AtomicInteger();
  private final AtomicInteger rerouted = new AtomicInteger();
  private final int maxBuying;
  private volatile boolean arriving;

  record Seat(String performanceId, String seatId, long price) {
    String key() {
      return performanceId + "/" + seatId;
    }
  }

  FanLoad(List<String> instances, List<Seat> seats, FanTokens tokens, String run, int maxBuying,
      long originNanos) {
    this.instances = List.copyOf(instances);
    this.seats = List.copyOf(seats);
    this.tokens = tokens;
    this.run = run;
    this.maxBuying = maxBuying;
    this.originNanos = originNanos;
  }

  long nowMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - originNanos);
  }

  /** Starts arrivals at {@code perSecond} fans a second. */
  void start(double perSecond) {
    arriving = true;
    long periodMicros = (long) (1_000_000 / perSecond);
    clock.scheduleAtFixedRate(this::arrive, 0, periodMicros, TimeUnit.MICROSECONDS);
  }

  /** No new fans from now on; those on their way go on. */
  void stopArrivals() {
    arriving = false;
  }

  List<Journey> journeys() {
    synchronized (journeys) {
      return List.copyOf(journeys);
    }
  }

  List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  int turnedAway() {
    return turnedAway.get();
  }

  int rerouted() {
    return rerouted.get();
  }

  int seatsLeft() {
    return seats.size() - nextSeat.get();
  }

  private void arrive() {
    if (!arriving) {
      return;
    }
    if (buying.get() >= maxBuying || nextSeat.get() >= seats.size()) {
      turnedAway.incrementAndGet();
      return;
    }
    int n = nextSeat.get();
    // Most fans want a fresh seat; some race for one just taken.
    Seat seat = n > 20 && ThreadLocalRandom.current().nextDouble() < RACE_SHARE
        ? seats.get(n - 1 - ThreadLocalRandom.current().nextInt(20))
        : seats.get(nextSeat.getAndIncrement());
    Journey j = new Journey(run + "-" + journeysSize(), seat, nowMs());
    synchronized (journeys) {
      journeys.add(j);
    }
    buying.incrementAndGet();
    String bearer = "Bearer " + tokens.mint(j.fan).token();
    call("hold", "POST", "/holds", Map.of("performanceId", seat.performanceId(),
        "seatId", seat.seatId()), bearer)
        .thenCompose(hold -> {
          j.holdStatus = hold.status;
          if (hold.status != 201) {
            j.end(hold.status == 409 ? Journey.Outcome.HOLD_REFUSED : Journey.Outcome.HOLD_ERROR,
                nowMs());
            return CompletableFuture.completedFuture(null);
          }
          String holdId = hold.body.path("holdId").asText();
          return pay(j, holdId, bearer, 0);
        })
        .whenComplete((done, error) -> {
          buying.decrementAndGet();
          if (error != null && j.outcome == null) {
            j.end(Journey.Outcome.HOLD_ERROR, nowMs());
          }
        });
  }

  private int journeysSize() {
    synchronized (journeys) {
      return journeys.size();
    }
  }

  /**
   * Pays with the hold id as idempotency key. A missing answer or a 5xx other than a clear 503
   * is replayed with the same key (at most 3 times): the fan must learn whether a payment exists.
   */
  private CompletableFuture<Void> pay(Journey j, String holdId, String bearer, int replays) {
    return call("pay", "POST", "/payments", Map.of("holdId", holdId, "amount", j.seat.price()),
        bearer, "Idempotency-Key", holdId)
        .thenCompose(paid -> {
          j.payStatus = paid.status;
          if (paid.status == 202 || paid.status == 200) {
            j.paymentTxId = paid.body.path("paymentTxId").asText();
            j.acceptedMs = nowMs();
            poll(j, bearer);
            return CompletableFuture.completedFuture(null);
          }
          if (paid.status == 503) {
            j.end(Journey.Outcome.PAY_REFUSED, nowMs());
          } else if ((paid.status < 0 || paid.status >= 500) && replays < 3) {
            return delay(1_000).thenCompose(x -> pay(j, holdId, bearer, replays + 1));
          } else {
            j.end(paid.status < 0 || paid.status >= 500 ? Journey.Outcome.PAY_ERROR
                : Journey.Outcome.PAY_REJECTED, nowMs());
          }
          return CompletableFuture.completedFuture(null);
        });
  }

  /** Long-polls until terminal, asking again after a failed poll; bounded in time. */
  private void poll(Journey j, String bearer) {
    if (nowMs() - j.acceptedMs > POLL_BOUND_MS) {
      return;
    }
    call("poll", "GET", "/payments/" + j.paymentTxId + "?waitMs=" + WAIT_MS, null, bearer)
        .whenComplete((answer, error) -> {
          String status = answer == null || answer.status != 200 ? null
              : answer.body.path("status").asText();
          if ("SUCCESS".equals(status) || "CANCELLED".equals(status)) {
            j.finalStatus = status;
            j.end(Journey.Outcome.ACCEPTED, nowMs());
          } else {
            long pause = answer != null && answer.status == 200 ? 0 : 500;
            delay(pause).thenRun(() -> poll(j, bearer));
          }
        });
  }

  /** One status question outside the fans' flow (the final sweep); null if unanswered. */
  String statusOf(Journey j) {
    try {
      Answer a = call("sweep", "GET", "/payments/" + j.paymentTxId, null,
          "Bearer " + tokens.mint(j.fan).token()).join();
      return a.status == 200 ? a.body.path("status").asText() : "HTTP " + a.status;
    } catch (CompletionException e) {
      return null;
    }
  }

  private CompletableFuture<Void> delay(long ms) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    clock.schedule(() -> done.complete(null), ms, TimeUnit.MILLISECONDS);
    return done;
  }

  private record Answer(int status, JsonNode body) {}

  private CompletableFuture<Answer> call(String kind, String method, String path, Object body,
      String bearer, String... headers) {
    int first = Math.floorMod(nextInstance.getAndIncrement(), instances.size());
    return attempt(kind, method, path, body, bearer, headers, first, 0);
  }

  private CompletableFuture<Answer> attempt(String kind, String method, String path, Object body,
      String bearer, String[] headers, int instance, int tried) {
    Supplier<HttpRequest> request = () -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(
              URI.create(instances.get(instance) + path))
          .timeout(kind.equals("poll") ? CALL_TIMEOUT.plusMillis(WAIT_MS) : CALL_TIMEOUT)
          .header("Authorization", bearer);
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      if (body == null) {
        return b.GET().build();
      }
      return b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(JsonHttp.write(body))).build();
    };
    long start = nowMs();
    return http.sendAsync(request.get(), HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, error) -> {
          if (error != null && refused(error) && tried + 1 < instances.size()) {
            rerouted.incrementAndGet();
            return attempt(kind, method, path, body, bearer, headers,
                (instance + 1) % instances.size(), tried + 1);
          }
          Answer answer = error != null ? new Answer(-1, Json.mapper().nullNode())
              : new Answer(response.statusCode(), JsonHttp.read(response.body()));
          log(new Call(start, kind, answer.status, nowMs() - start));
          return CompletableFuture.completedFuture(answer);
        })
        .thenCompose(f -> f);
  }

  private void log(Call call) {
    synchronized (calls) {
      calls.add(call);
    }
  }

  private static boolean refused(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }


  @Override
  public void close() {
    arriving = false;
    clock.shutdownNow();
  }

  /** One fan's purchase from hold to the payment's terminal state (or the refusal). */
  static final class Journey {
    enum Outcome { HOLD_REFUSED, HOLD_ERROR, PAY_REFUSED, PAY_REJECTED, PAY_ERROR, ACCEPTED }

    final String fan;
    final Seat seat;
    final long startMs;
    volatile int holdStatus;
    volatile int payStatus;
    volatile String paymentTxId;
    volatile long acceptedMs;
    volatile String finalStatus;
    volatile Outcome outcome;
    volatile long endMs = -1;

    Journey(String fan, Seat seat, long startMs) {
      this.fan = fan;
      this.seat = seat;
      this.startMs = startMs;
    }

    void end(Outcome outcome, long atMs) {
      this.outcome = outcome;
      this.endMs = atMs;
    }

    boolean accepted() {
      return paymentTxId != null && !paymentTxId.isEmpty();
    }

    boolean terminal() {
      return "SUCCESS".equals(finalStatus) || "CANCELLED".equals(finalStatus);
    }

    /** Start to answer; an error or a journey not ended counts as never served. */
    long latencyMs() {
      boolean served = endMs >= 0 && (outcome == Outcome.ACCEPTED
          || outcome == Outcome.HOLD_REFUSED);
      return served ? endMs - startMs : Long.MAX_VALUE;
    }
  }
}
