package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The status API's figures, measured on child-JVM instances and written to
 * docs/results/status-api.md. Not part of {@code mvn verify} (it takes about 4 minutes):
 *
 * <pre>
 * mvn -B -o -q verify -pl app -am -Dtest=StatusApiMeasurements \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsoldout.measure=true
 * </pre>
 *
 * (a) failover: three instances, 6 partitions, one standby; C is SIGKILLed; the time until
 * every key answers 200 on both survivors (stale allowed) and until every key answers fresh
 * from its new owner; three runs, medians. (b) a status query forwarded one hop against a local
 * one, 2,000 of each, interleaved, after a warm-up. (c) 1,000 long-polls waiting at once on one
 * instance: its live threads and used heap before and while they wait.
 */
@EnabledIfSystemProperty(named = "soldout.measure", matches = "true")
class StatusApiMeasurements {
  private static final int RUNS = 3;
  private static final int REQUESTS = 2_000;
  private static final int WAITERS = 1_000;

  @Test
  void measure_and_write_the_results() throws Exception {
    List<Long> toAnswering = new ArrayList<>();
    List<Long> toFresh = new ArrayList<>();
    List<Long> stopToFresh = new ArrayList<>();
    String latency = null;
    String longPolls = null;
    for (int run = 0; run < RUNS; run++) {
      try (SoldoutCluster cluster = SoldoutCluster.start("measure", 3, 6, 40)) {
        List<String> payments = cluster.buy(30);
        await().atMost(Duration.ofSeconds(60)).until(() -> payments.stream().allMatch(tx ->
            cluster.api(0).get("/payments/" + tx).text("status").equals("SUCCESS")));
        SoldoutProcess a = cluster.nodes.get(0);
        SoldoutProcess b = cluster.nodes.get(1);
        SoldoutProcess c = cluster.nodes.get(2);
        if (run == 0) {
          latency = forwardedVersusLocal(a, payments);
          longPolls = longPolls(a);
        }
        try (FailoverProbe probe = new FailoverProbe(payments, List.of(a, b, c))) {
          probe.awaitSweep(probe.nowMs(), FailoverProbe.freshFrom(
              Set.of(a.baseUrl(), b.baseUrl(), c.baseUrl())), Duration.ofSeconds(30));
          probe.ask(List.of(a, b));
          c.kill();
          long killed = probe.nowMs();
          toAnswering.add(probe.awaitSweep(killed, FailoverProbe.answering(),
              Duration.ofSeconds(60)));
          toFresh.add(probe.awaitSweep(killed,
              FailoverProbe.freshFrom(Set.of(a.baseUrl(), b.baseUrl())), Duration.ofSeconds(60)));
          probe.ask(List.of(a));
          long stopped = probe.nowMs();
          b.stop();
          stopToFresh.add(probe.awaitSweep(stopped, FailoverProbe.freshFrom(Set.of(a.baseUrl())),
              Duration.ofSeconds(60)));
        }
      }
    }
    String report = "# Status API measurements\n\n"
        + "Measured " + Instant.now().toString().substring(0, 10) + " by `StatusApiMeasurements`"
        + " on " + Runtime.getRuntime().availableProcessors() + " shared cores (other work ran"
        + " beside it), Kafka " + org.apache.kafka.common.utils.AppInfoParser.getVersion()
        + ", child JVMs `-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1`, commit interval"
        + " 100 ms, consumer session timeout 10 s, one standby.\n\n"
        + "## (a) Failover: three instances, 6 partitions, one SIGKILLed\n\n"
        + "30 payments, every key asked on every survivor in a loop; times from the kill (and"
        + " from the clean stop of a second instance) to the end of the first sweep in which every"
        + " key answered as said. " + RUNS + " runs.\n\n"
        + "| what | runs (ms) | median (ms) |\n|---|---|---|\n"
        + row("kill -> every key 200 on both survivors (stale allowed)", toAnswering)
        + row("kill -> every key 200 fresh from its new owner", toFresh)
        + row("clean stop of a second -> every key fresh from the last one", stopToFresh)
        + "\n## (b) Forwarded against local status queries\n\n" + latency
        + "\n## (c) 1,000 long-polls waiting at once\n\n" + longPolls;
    Path out = Path.of("").toAbsolutePath().getParent().resolve("docs/results/status-api.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.out.println(report);
  }

  private static String row(String what, List<Long> values) {
    return "| " + what + " | " + values + " | " + median(values) + " |\n";
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static double percentile(List<Long> sortedNanos, double p) {
    int index = (int) Math.ceil(p * sortedNanos.size()) - 1;
    return sortedNanos.get(Math.max(0, index)) / 1e6;
  }

  private static String forwardedVersusLocal(SoldoutProcess a, List<String> payments) {
    Http api = new Http(a.baseUrl());
    List<String> local = new ArrayList<>();
    List<String> remote = new ArrayList<>();
    for (String tx : payments) {
      String owner = api.get("/payments/" + tx).raw().headers()
          .firstValue("X-Soldout-Instance").orElseThrow();
      (owner.equals(a.baseUrl()) ? local : remote).add(tx);
    }
    assertThat(local).isNotEmpty();
    assertThat(remote).isNotEmpty();
    for (int i = 0; i < 200; i++) {
      api.get("/payments/" + local.get(i % local.size()));
      api.get("/payments/" + remote.get(i % remote.size()));
    }
    List<Long> localNanos = new ArrayList<>();
    List<Long> forwardedNanos = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      localNanos.add(timed(api, local.get(i % local.size())));
      forwardedNanos.add(timed(api, remote.get(i % remote.size())));
    }
    Collections.sort(localNanos);
    Collections.sort(forwardedNanos);
    double localMedian = percentile(localNanos, 0.5);
    double forwardedMedian = percentile(forwardedNanos, 0.5);
    double localP99 = percentile(localNanos, 0.99);
    double forwardedP99 = percentile(forwardedNanos, 0.99);
    return String.format("%d sequential GET /payments/{id} of each kind on instance A, "
        + "interleaved, after 200 of each to warm up; %d keys local to A, %d owned by B or C."
        + "%n%n| query | median (ms) | p99 (ms) |%n|---|---|---|%n"
        + "| local | %.2f | %.2f |%n| forwarded (one hop) | %.2f | %.2f |%n"
        + "| forwarded / local | %.1fx | %.1fx |%n", REQUESTS, local.size(), remote.size(),
        localMedian, localP99, forwardedMedian, forwardedP99, forwardedMedian / localMedian,
        forwardedP99 / localP99);
  }

  private static long timed(Http api, String tx) {
    long start = System.nanoTime();
    Http.Response r = api.get("/payments/" + tx);
    long took = System.nanoTime() - start;
    assertThat(r.status()).isEqualTo(200);
    return took;
  }

  private static String longPolls(SoldoutProcess a) throws Exception {
    Http api = new Http(a.baseUrl());
    Http ops = new Http(a.opsUrl());
    List<String> ownedByA = new ArrayList<>();
    while (ownedByA.size() < WAITERS) {
      String tx = UUID.randomUUID().toString();
      if (api.get("/payments/" + tx).raw().headers().firstValue("X-Soldout-Instance")
          .orElse("").equals(a.baseUrl())) {
        ownedByA.add(tx);
      }
    }
    Scrape before = new Scrape(ops.get("/metrics").raw().body());
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long waitMs = 20_000;
    long started = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
    for (String tx : ownedByA) {
      polls.add(client.sendAsync(HttpRequest.newBuilder(
              URI.create(a.baseUrl() + "/payments/" + tx + "?waitMs=" + waitMs))
          .header("Authorization", TestFans.bearer(TestFans.payer(tx)))
          .timeout(Duration.ofSeconds(40)).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() ->
        new Scrape(ops.get("/metrics").raw().body()).sum("payment_status_waiters") == WAITERS);
    double registeredAfterS = (System.nanoTime() - started) / 1e9;
    Scrape during = new Scrape(ops.get("/metrics").raw().body());
    CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get();
    double allAnsweredS = (System.nanoTime() - started) / 1e9;
    long notFound = polls.stream().filter(p -> p.join().statusCode() == 404).count();
    Scrape after = new Scrape(ops.get("/metrics").raw().body());
    return String.format("%d GET /payments/{unknown id}?waitMs=%d sent at once to instance A "
        + "(ids that A owns, so each waits there); all registered after %.1f s, all answered "
        + "(%d x 404 at the bound) after %.1f s. Instance A's own gauges:%n%n"
        + "| | before | while %d wait | after |%n|---|---|---|---|%n"
        + "| payment_status_waiters | %.0f | %.0f | %.0f |%n"
        + "| jvm_threads_current | %.0f | %.0f | %.0f |%n"
        + "| heap used (MiB) | %.0f | %.0f | %.0f |%n%n"
        + "Heap is what was in use at the scrape (no forced GC), so it moves with garbage too.%n",
        WAITERS, waitMs, registeredAfterS, notFound, allAnsweredS, WAITERS,
        gauge(before, "payment_status_waiters"), gauge(during, "payment_status_waiters"),
        gauge(after, "payment_status_waiters"),
        gauge(before, "jvm_threads_current"), gauge(during, "jvm_threads_current"),
        gauge(after, "jvm_threads_current"),
        heapMib(before), heapMib(during), heapMib(after));
  }

  private static double gauge(Scrape scrape, String name) {
    return scrape.sum(name);
  }

  private static double heapMib(Scrape scrape) {
    return scrape.sum("jvm_memory_used_bytes", "area=\"heap\"") / (1024.0 * 1024.0);
  }
}
