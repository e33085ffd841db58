package dev.soldout.app.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.events.Json;
import dev.soldout.seats.queue.QueuePolicies;
import dev.soldout.seats.queue.WaitingRoom;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The on-sale queue load run: N fans join one performance's waiting room within a few seconds,
 * the first ones before the sale opens, then every fan polls its status as the answers say
 * (pollAfterMs) until admitted or the run ends. Open loop: a fan joins at its time whether or not
 * the API kept up, as on a real on-sale. Reports join and status latency, the admission rate
 * reached against the configured one (read from Redis), and fairness: fans who joined before
 * the open are shuffled, fans after it keep their arrival order.
 */
public final class QueueBench {
  /** What to run. */
  public record Options(String api, String performance, int fans, Duration within,
      Duration preOpen, Duration measure, int rate) {}

  /** One fan, as the load generator saw it; times in ns since the run's start. */
  private static final class Fan {
    final String userId;
    /** When the fan meant to join (latency counts from here), and when the request left. */
    long sentAt;
    volatile long leftAt;
    volatile String queueToken;
    volatile boolean admitted;

    Fan(String userId) {
      this.userId = userId;
    }
  }

  private final Options options;
  private final QueuePolicies policies;
  private final WaitingRoom room;
  private final PrintStream out;
  /**
   * At most this many requests in flight: beyond it the JDK client opens a connection per
   * request, and a lagging server drowns in new connections. A request that waits here counts
   * its wait in its latency (measured from when the fan meant to send it), so the cap hides
   * nothing.
   */
  private static final int IN_FLIGHT = 256;

  private final Semaphore inFlight = new Semaphore(IN_FLIGHT, true);
  /** Sends in the order fans meant to, waiting for the in-flight cap, without holding up the pacer. */
  private final java.util.concurrent.ExecutorService dispatcher =
      Executors.newSingleThreadExecutor(daemon());
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(2, daemon()))
      .build();
  private final ScheduledExecutorService polls =
      Executors.newSingleThreadScheduledExecutor(daemon());
  private final ConcurrentLinkedQueue<Long> joinNanos = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> statusNanos = new ConcurrentLinkedQueue<>();
  private final AtomicInteger joinErrors = new AtomicInteger();
  private final AtomicInteger statusErrors = new AtomicInteger();
  private long start;
  private volatile boolean polling = true;

  public QueueBench(Options options, QueuePolicies policies, WaitingRoom room, PrintStream out) {
    this.options = options;
    this.policies = policies;
    this.room = room;
    this.out = out;
  }

  public void run() throws Exception {
    // A fresh queue, open after the pre-open part of the joins, and a cap that never binds: the
    // run measures the rate. Instances read the policy within its cache time, so wait that out.
    Instant begins = Instant.now().plusSeconds(4);
    Instant opensAt = begins.plus(options.preOpen());
    if (!policies.configure(options.performance(), true, options.rate(), 1_000_000, opensAt)) {
      throw new IllegalArgumentException("no performance " + options.performance());
    }
    room.reset(options.performance());
    sleepUntil(begins);
    start = System.nanoTime();
    long opensAtNanos = start + options.preOpen().toNanos();
    Fan[] fans = new Fan[options.fans()];
    long gap = options.within().toNanos() / options.fans();
    for (int i = 0; i < fans.length; i++) {
      fans[i] = new Fan("bench-fan-" + i);
      long due = start + i * gap;
      LockSupport.parkNanos(due - System.nanoTime());
      Fan fan = fans[i];
      fan.sentAt = due;
      dispatcher.execute(() -> join(fan));
    }
    out.printf("%,d joins due in %.1f s%n", fans.length, (System.nanoTime() - start) / 1e9);

    // The rate is measured over `measure` from a second after the open, while fans wait.
    long rateFrom = opensAtNanos + 1_000_000_000L;
    LockSupport.parkNanos(rateFrom - System.nanoTime());
    long admittedAtFrom = room.admissions(options.performance());
    long end = rateFrom + options.measure().toNanos();
    LockSupport.parkNanos(end - System.nanoTime());
    long admittedAtEnd = room.admissions(options.performance());
    double seconds = (System.nanoTime() - rateFrom) / 1e9;
    polling = false;
    // Every join is answered before the report, however far behind the API fell.
    long joinsDue = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (joinNanos.size() < fans.length && System.nanoTime() < joinsDue) {
      Thread.sleep(100);
    }
    long lastLeft = Arrays.stream(fans).mapToLong(f -> f.leftAt).max().orElse(0);
    out.printf("the last join left the client %.1f s after the first was due%n",
        (lastLeft - start) / 1e9);
    long waiting = room.line(options.performance(), 0, -1).size();
    Map<String, Integer> place = places();
    policies.configure(options.performance(), false, null, null, null);

    out.printf("join:   %s, errors %d%n", percentiles(joinNanos), joinErrors.get());
    out.printf("status: %s, errors %d%n", percentiles(statusNanos), statusErrors.get());
    double rate = (admittedAtEnd - admittedAtFrom) / seconds;
    out.printf("admission: %,d fans in %.1f s = %.1f/s against %d/s configured (%.2f %%);"
        + " %,d still waiting%n", admittedAtEnd - admittedAtFrom, seconds, rate,
        options.rate(), 100 * rate / options.rate(), waiting);
    fairness(fans, place, opensAtNanos);
    polls.shutdownNow();
  }

  private void join(Fan fan) {
    inFlight.acquireUninterruptibly();
    fan.leftAt = System.nanoTime();
    HttpRequest request = HttpRequest.newBuilder(URI.create(options.api() + "/queue/"
            + options.performance() + "/join"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + fan.userId + "\"}")).build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
      inFlight.release();
      joinNanos.add(System.nanoTime() - fan.sentAt);
      JsonNode body = answer(r, e, 202, joinErrors);
      if (body != null) {
        fan.queueToken = body.path("queueToken").asText();
        next(fan, body);
      }
    });
  }

  private void status(Fan fan, long due) {
    if (!polling) {
      return;
    }
    inFlight.acquireUninterruptibly();
    long sent = due;
    HttpRequest request = HttpRequest.newBuilder(URI.create(options.api() + "/queue/"
            + options.performance() + "/status?token=" + fan.queueToken))
        .timeout(Duration.ofSeconds(30)).GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
      inFlight.release();
      if (polling) {
        statusNanos.add(System.nanoTime() - sent);
      }
      JsonNode body = answer(r, e, 200, statusErrors);
      if (body != null) {
        next(fan, body);
      }
    });
  }

  private void next(Fan fan, JsonNode body) {
    if (body.path("state").asText().equals("ADMITTED")) {
      fan.admitted = true;
    } else if (polling) {
      long after = body.path("pollAfterMs").asLong(1_000);
      long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(after);
      polls.schedule(() -> dispatcher.execute(() -> status(fan, due)), after,
          TimeUnit.MILLISECONDS);
    }
  }

  private static JsonNode answer(HttpResponse<byte[]> r, Throwable e, int expected,
      AtomicInteger errors) {
    try {
      if (e == null && r.statusCode() == expected) {
        return Json.mapper().readTree(r.body());
      }
    } catch (java.io.IOException ignored) {
      // counted below
    }
    errors.incrementAndGet();
    return null;
  }

  /** Each fan's place in the order of admission: admitted first (by session), then the line. */
  private Map<String, Integer> places() {
    List<Map.Entry<String, String>> sessions = new ArrayList<>(
        room.sessions(options.performance()).entrySet());
    sessions.sort(Comparator.comparingLong(s -> Long.parseLong(s.getValue())));
    Map<String, Integer> place = new HashMap<>();
    sessions.forEach(s -> place.put(s.getKey(), place.size()));
    room.line(options.performance(), 0, -1).forEach(fan -> place.putIfAbsent(fan, place.size()));
    return place;
  }

  /**
   * Pre-open fans (sent more than 50 ms before the open) should come first and in no relation to
   * their arrival; later fans (sent more than 50 ms after) in arrival order. Requests sent
   * within a few milliseconds of each other may overtake each other on the way, which is fair.
   */
  private void fairness(Fan[] fans, Map<String, Integer> place, long opensAtNanos) {
    long margin = TimeUnit.MILLISECONDS.toNanos(50);
    List<Fan> early = new ArrayList<>();
    List<Fan> late = new ArrayList<>();
    for (Fan fan : fans) {
      if (!place.containsKey(fan.userId)) {
        continue;
      }
      if (fan.leftAt < opensAtNanos - margin) {
        early.add(fan);
      } else if (fan.leftAt > opensAtNanos + margin) {
        late.add(fan);
      }
    }
    int lastEarly = early.stream().mapToInt(f -> place.get(f.userId)).max().orElse(-1);
    long lateAhead = late.stream().filter(f -> place.get(f.userId) < lastEarly).count();
    late.sort(Comparator.comparingLong(f -> f.leftAt));
    int overtaken100 = overtaken(late, place, TimeUnit.MILLISECONDS.toNanos(100));
    int overtaken1000 = overtaken(late, place, TimeUnit.MILLISECONDS.toNanos(1000));
    out.printf("fairness (arrival = when the join left the client): %,d fans before the open,"
        + " rank correlation of arrival and place %.3f (a shuffle: about 0); %,d fans after it,"
        + " correlation %.4f (in order: 1), placed behind a fan who came more than 100 ms"
        + " later: %,d, more than 1 s later: %,d; %,d placed ahead of a pre-open fan%n",
        early.size(), spearman(early, place), late.size(), spearman(late, place), overtaken100,
        overtaken1000, lateAhead);
  }

  /** Fans (sorted by arrival) placed behind a fan who arrived more than {@code margin} later. */
  private static int overtaken(List<Fan> late, Map<String, Integer> place, long margin) {
    int overtaken = 0;
    int j = late.size() - 1;
    int minLaterPlace = Integer.MAX_VALUE;
    for (int i = late.size() - 1; i >= 0; i--) {
      while (j > i && late.get(j).leftAt > late.get(i).leftAt + margin) {
        minLaterPlace = Math.min(minLaterPlace, place.get(late.get(j).userId));
        j--;
      }
      if (place.get(late.get(i).userId) > minLaterPlace) {
        overtaken++;
      }
    }
    return overtaken;
  }

  /** Rank correlation between arrival (when the join left the client) and place. */
  private static double spearman(List<Fan> fans, Map<String, Integer> place) {
    int n = fans.size();
    if (n < 2) {
      return Double.NaN;
    }
    List<Fan> byArrival = new ArrayList<>(fans);
    byArrival.sort(Comparator.comparingLong(f -> f.leftAt));
    List<Fan> byPlace = new ArrayList<>(fans);
    byPlace.sort(Comparator.comparingInt(f -> place.get(f.userId)));
    Map<String, Integer> placeRank = new HashMap<>();
    for (int i = 0; i < n; i++) {
      placeRank.put(byPlace.get(i).userId, i);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double d = i - placeRank.get(byArrival.get(i).userId);
      sum += d * d;
    }
    return 1 - 6 * sum / (n * ((double) n * n - 1));
  }

  private static String percentiles(ConcurrentLinkedQueue<Long> nanos) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return "no answers";
    }
    return String.format("%,d answers, p50 %.1f ms, p99 %.1f ms, max %.1f ms", sorted.length,
        at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
  }

  private static double at(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread thread = new Thread(r, "queue-bench");
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void sleepUntil(Instant at) throws InterruptedException {
    long millis = Duration.between(Instant.now(), at).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }
}
