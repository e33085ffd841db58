package dev.soldout.app;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Asks every instance still listed for the status of every payment, over and over, on one
 * thread, and keeps every answer: what the scale-out test checks and the failover measurement
 * times. A sweep is one round over all instances and payments.
 */
final class FailoverProbe implements AutoCloseable {
  /** One status answer; {@code status} -1 when no HTTP answer came at all. */
  record Answer(long atMs, String asked, String tx, int status, boolean stale, String servedBy,
      boolean retryAfter, String error) {}

  private record Sweep(long startMs, long endMs, List<Answer> answers) {}

  private final List<String> payments;
  private final long originNanos = System.nanoTime();
  private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Http> clients = new HashMap<>();
  private final Thread thread;
  private volatile List<SoldoutProcess> asking;
  private volatile Sweep last;
  private volatile boolean running = true;

  FailoverProbe(List<String> payments, List<SoldoutProcess> asking) {
    this.payments = List.copyOf(payments);
    this.asking = List.copyOf(asking);
    this.thread = new Thread(this::loop, "failover-probe");
    thread.setDaemon(true);
    thread.start();
  }

  long nowMs() {
    return (System.nanoTime() - originNanos) / 1_000_000;
  }

  /** From the next sweep on, only these instances are asked. */
  void ask(List<SoldoutProcess> instances) {
    asking = List.copyOf(instances);
  }

  List<Answer> answers() {
    synchronized (answers) {
      return List.copyOf(answers);
    }
  }

  /**
   * Waits for the first sweep begun after {@code sinceMs} in which every answer is {@code good},
   * and returns the milliseconds from {@code sinceMs} to that sweep's end.
   */
  long awaitSweep(long sinceMs, Predicate<Answer> good, Duration max) {
    Sweep[] found = new Sweep[1];
    await().atMost(max).pollInterval(Duration.ofMillis(20)).until(() -> {
      Sweep s = last;
      if (s != null && s.startMs() > sinceMs && !s.answers().isEmpty()
          && s.answers().stream().allMatch(good)) {
        found[0] = s;
        return true;
      }
      return false;
    });
    return found[0].endMs() - sinceMs;
  }

  static Predicate<Answer> answering() {
    return a -> a.status() == 200;
  }

  /** A fresh answer from its owner, which is one of {@code owners}. */
  static Predicate<Answer> freshFrom(Set<String> owners) {
    return a -> a.status() == 200 && !a.stale() && owners.contains(a.servedBy());
  }

  private void loop() {
    while (running) {
      long start = nowMs();
      List<Answer> sweep = new ArrayList<>();
      for (SoldoutProcess instance : asking) {
        Http api = clients.computeIfAbsent(instance.baseUrl(), Http::new);
        for (String tx : payments) {
          if (!running) {
            return;
          }
          Answer answer = ask(api, instance.baseUrl(), tx);
          // An instance taken off the list mid-sweep (about to be killed or stopped) is no
          // longer a client's to ask: its refused connections say nothing about the survivors.
          if (!asking.contains(instance)) {
            break;
          }
          sweep.add(answer);
        }
      }
      answers.addAll(sweep);
      last = new Sweep(start, nowMs(), sweep);
    }
  }

  private Answer ask(Http api, String asked, String tx) {
    long at = nowMs();
    try {
      Http.Response r = api.get("/payments/" + tx, Duration.ofSeconds(5));
      return new Answer(at, asked, tx, r.status(), r.body().path("stale").asBoolean(false),
          r.raw().headers().firstValue("X-Soldout-Instance").orElse(null),
          r.raw().headers().firstValue("Retry-After").isPresent(),
          r.body().path("error").asText(null));
    } catch (RuntimeException noAnswer) {
      return new Answer(at, asked, tx, -1, false, null, false, noAnswer.toString());
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
