package dev.soldout.app.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.soldout.bench.http.JsonHttp;
import dev.soldout.bench.rush.Rush;
import dev.soldout.seats.queue.QueuePolicies;
import dev.soldout.seats.queue.WaitingRoom;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

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
    final String bearer;
    /** When the fan meant to join (latency counts from here), the request left, the answer came. */
    long sentAt;
    volatile long leftAt;
    volatile long answeredAt;
    volatile String queueToken;
    volatile boolean admitted;

    Fan(String userId, Function<String, String> bearerOf) {
      this.userId = userId;
      this.bearer = bearerOf.apply(userId);
    }
  }

  private final Options options;
  private final QueuePolicies policies;
  private final WaitingRoom room;
  private final Function<String, String> bearerOf;
  private final PrintStream out;
  /**
   * Connections to the API: a request beyond them waits in the client and counts its wait in its
   * latency (measured from when the fan meant to send it), so the cap hides nothing.
   */
  private final JsonHttp http = new JsonHttp(256, Duration.ofSeconds(120));
  private final ScheduledExecutorService polls =
      Executors.newSingleThreadScheduledExecutor(daemon());
  private final ConcurrentLinkedQueue<Long> joinNanos = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> statusNanos = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> joinErrors = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> statusErrors = new ConcurrentHashMap<>();
  private long start;
  private volatile boolean polling = true;

  /** @param bearerOf a fan's "Bearer ..." header, as the fans' routes require one */
  public QueueBench(Options options, QueuePolicies policies, WaitingRoom room,
      Function<String, String> bearerOf, PrintStream out) {
    this.options = options;
    this.policies = policies;
    this.room = room;
    this.bearerOf = bearerOf;
    this.out = out;
  }

  /**
   * Plays the run and prints its report.
   *
   * @return whether the order held: no fan who joined after the open placed ahead of one who
   *     joined before it
   */
  public boolean run() throws Exception {
    // Signed in before the clock starts: the run measures the queue, not token minting.
    Fan[] fans = new Fan[options.fans()];
    for (int i = 0; i < fans.length; i++) {
      fans[i] = new Fan("bench-fan-" + i, bearerOf);
    }
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
    // The rate is measured over `measure` from a second after the open, while fans join and
    // wait. Its own thread reads the counter on time however long the joins take to send.
    long rateFrom = opensAtNanos + 1_000_000_000L;
    ExecutorService rateWindow = Executors.newSingleThreadExecutor(daemon());
    CompletableFuture<Double> admittedPerSecond = CompletableFuture.supplyAsync(() -> {
      LockSupport.parkNanos(rateFrom - System.nanoTime());
      long from = System.nanoTime();
      long admittedAtFrom = room.admissions(options.performance());
      LockSupport.parkNanos(from + options.measure().toNanos() - System.nanoTime());
      long admitted = room.admissions(options.performance()) - admittedAtFrom;
      return admitted / ((System.nanoTime() - from) / 1e9);
    }, rateWindow);
    long gap = options.within().toNanos() / options.fans();
    for (int i = 0; i < fans.length; i++) {
      long due = start + i * gap;
      LockSupport.parkNanos(due - System.nanoTime());
      Fan fan = fans[i];
      fan.sentAt = due;
      join(fan);
    }
    out.printf("%,d joins due in %.1f s%n", fans.length, (System.nanoTime() - start) / 1e9);

    double rate = admittedPerSecond.get();
    rateWindow.shutdown();
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

    out.printf("join:   %s, errors %s%n", percentiles(joinNanos), errors(joinErrors));
    out.printf("status: %s, errors %s%n", percentiles(statusNanos), errors(statusErrors));
    out.printf("admission: %.1f/s over %d s from 1 s after the open, against %d/s configured"
        + " (%.2f %%); %,d still waiting%n", rate, options.measure().toSeconds(), options.rate(),
        100 * rate / options.rate(), waiting);
    long lateAhead = fairness(fans, place, opensAtNanos);
    polls.shutdownNow();
    http.close();
    return lateAhead == 0;
  }

  private void join(Fan fan) {
    fan.leftAt = System.nanoTime();
    http.post(options.api() + "/queue/" + options.performance() + "/join",
        Map.of("userId", fan.userId), "Authorization", fan.bearer).whenComplete((answer, e) -> {
          fan.answeredAt = System.nanoTime();
          joinNanos.add(fan.answeredAt - fan.sentAt);
          if (ok(answer, e, 202, joinErrors)) {
            fan.queueToken = answer.body().path("queueToken").asText();
            next(fan, answer.body());
          }
        });
  }

  private void status(Fan fan, long due) {
    if (!polling) {
      return;
    }
    http.get(options.api() + "/queue/" + options.performance() + "/status?token="
        + fan.queueToken, "Authorization", fan.bearer).whenComplete((answer, e) -> {
          if (polling) {
            statusNanos.add(System.nanoTime() - due);
          }
          if (ok(answer, e, 200, statusErrors)) {
            next(fan, answer.body());
          }
        });
  }

  private void next(Fan fan, JsonNode body) {
    if (body.path("state").asText().equals("ADMITTED")) {
      fan.admitted = true;
    } else if (polling) {
      long after = body.path("pollAfterMs").asLong(1_000);
      long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(after);
      polls.schedule(() -> status(fan, due), after, TimeUnit.MILLISECONDS);
    }
  }

  private static boolean ok(JsonHttp.Answer answer, Throwable e, int expected,
      Map<String, AtomicInteger> errors) {
    if (e == null && answer.status() == expected) {
      return true;
    }
    String kind = e != null ? Rush.rootMessage(e) : String.valueOf(answer.status());
    errors.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    return false;
  }

  /** "0", or the total and what they were: "12 (503: 10, TimeoutException: 2)". */
  private static String errors(Map<String, AtomicInteger> errors) {
    int total = errors.values().stream().mapToInt(AtomicInteger::get).sum();
    return total == 0 ? "0" : total + " " + new TreeMap<>(errors).toString()
        .replace('{', '(').replace('}', ')').replace('=', ':');
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
   * Pre-open fans (answered more than 50 ms before the open, so surely placed before it) should
   * come first and in no relation to their arrival; later fans (sent more than 50 ms after) in
   * arrival order. A fan sent before the open but answered after it is in neither: the server
   * may have placed it either side. Requests sent within a few milliseconds of each other may
   * overtake each other on the way, which is fair.
   */
  private long fairness(Fan[] fans, Map<String, Integer> place, long opensAtNanos) {
    long margin = TimeUnit.MILLISECONDS.toNanos(50);
    List<Fan> early = new ArrayList<>();
    List<Fan> late = new ArrayList<>();
    for (Fan fan : fans) {
      if (!place.containsKey(fan.userId)) {
        continue;
      }
      if (fan.answeredAt < opensAtNanos - margin) {
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
    out.printf("fairness (arrival = when the join left the client): %,d fans answered before the"
        + " open, rank correlation of arrival and place %.3f (a shuffle: about 0); %,d fans sent"
        + " after it,"
        + " correlation %.4f (in order: 1), placed behind a fan who came more than 100 ms"
        + " later: %,d, more than 1 s later: %,d; %,d placed ahead of a pre-open fan%n",
        early.size(), spearman(early, place), late.size(), spearman(late, place), overtaken100,
        overtaken1000, lateAhead);
    return lateAhead;
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
