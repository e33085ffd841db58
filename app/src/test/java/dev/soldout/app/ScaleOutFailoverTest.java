package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scaling out and back in, as status clients see it: three {@code soldout app} instances (child
 * JVMs) share 6 partitions with one standby each; 30 payments complete; then C is SIGKILLed and,
 * once the survivors answer every key fresh again, B is stopped cleanly. Throughout, every
 * survivor is asked for every payment in a loop, and every answer is kept.
 *
 * <p>Runtime on 2 shared cores: about 60-75 s, half of it starting three JVMs; the kill costs
 * the 10 s session timeout before the partitions move.
 */
class ScaleOutFailoverTest {
  private static final int PAYMENTS = 30;
  /** The longest a 503 may go on after an instance dies or leaves. */
  private static final long UNAVAILABLE_WINDOW_MS = 30_000;

  private static SoldoutCluster cluster;
  private static List<FailoverProbe.Answer> answers = List.of();
  private static List<String> payments = List.of();
  private static long killedAtMs;
  private static long stoppedAtMs;
  private static long killToAnsweringMs;
  private static long killToFreshMs;
  private static long stopToFreshMs;
  private static final List<String> timeline = new ArrayList<>();

  @BeforeAll
  static void scaleOutThenLoseTwoInstances() throws Exception {
    long t0 = System.nanoTime();
    cluster = SoldoutCluster.start("scale", 3, 6, PAYMENTS + 10);
    SoldoutProcess a = cluster.nodes.get(0);
    SoldoutProcess b = cluster.nodes.get(1);
    SoldoutProcess c = cluster.nodes.get(2);
    timeline.add(String.format("%.1f s: three instances ready", (System.nanoTime() - t0) / 1e9));
    payments = cluster.buy(PAYMENTS);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
        payments.stream().allMatch(tx ->
            cluster.api(0).get("/payments/" + tx).text("status").equals("SUCCESS")));
    timeline.add(String.format("%.1f s: %d payments SUCCESS", (System.nanoTime() - t0) / 1e9,
        PAYMENTS));

    try (FailoverProbe probe = new FailoverProbe(payments, List.of(a, b, c))) {
      Set<String> all = urls(a, b, c);
      probe.awaitSweep(probe.nowMs(), FailoverProbe.freshFrom(all), Duration.ofSeconds(30));

      probe.ask(List.of(a, b));
      c.kill();
      killedAtMs = probe.nowMs();
      killToAnsweringMs = probe.awaitSweep(killedAtMs, FailoverProbe.answering(),
          Duration.ofSeconds(40));
      killToFreshMs = probe.awaitSweep(killedAtMs, FailoverProbe.freshFrom(urls(a, b)),
          Duration.ofSeconds(40));
      timeline.add("C killed: every key answered 200 after " + killToAnsweringMs
          + " ms, fresh from a survivor after " + killToFreshMs + " ms");
      // A few settled sweeps, to see the survivors agree on each key's owner.
      probe.awaitSweep(probe.nowMs(), FailoverProbe.freshFrom(urls(a, b)),
          Duration.ofSeconds(20));
      probe.awaitSweep(probe.nowMs(), FailoverProbe.freshFrom(urls(a, b)),
          Duration.ofSeconds(20));

      probe.ask(List.of(a));
      stoppedAtMs = probe.nowMs();
      b.stop();
      stopToFreshMs = probe.awaitSweep(stoppedAtMs, FailoverProbe.freshFrom(urls(a)),
          Duration.ofSeconds(40));
      timeline.add("B stopped: every key fresh from A after " + stopToFreshMs + " ms");
      probe.close();
      answers = probe.answers();
    }
    timeline.add(String.format("%.1f s: %d answers recorded, %d stale, %d 503",
        (System.nanoTime() - t0) / 1e9, answers.size(),
        answers.stream().filter(FailoverProbe.Answer::stale).count(), answersBy(503).size()));
  }

  @AfterAll
  static void stop() {
    System.out.println("ScaleOutFailoverTest timeline:\n  " + String.join("\n  ", timeline));
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Set<String> urls(SoldoutProcess... nodes) {
    return java.util.Arrays.stream(nodes).map(SoldoutProcess::baseUrl)
        .collect(Collectors.toSet());
  }

  private static List<FailoverProbe.Answer> answersBy(int status) {
    return answers.stream().filter(a -> a.status() == status).toList();
  }

  @Test
  void every_answer_is_a_200_or_a_503_never_a_500_a_404_or_no_answer() {
    assertThat(answers).isNotEmpty();
    assertThat(answers).filteredOn(a -> a.status() != 200 && a.status() != 503)
        .as("answers other than 200 and 503").isEmpty();
  }

  @Test
  void every_503_says_when_to_retry_in_a_json_body_and_only_shortly_after_a_loss() {
    for (FailoverProbe.Answer a : answersBy(503)) {
      assertThat(a.retryAfter()).as("Retry-After on %s", a).isTrue();
      assertThat(a.error()).as("JSON error on %s", a).isEqualTo("STATUS_UNAVAILABLE");
      boolean afterKill = a.atMs() >= killedAtMs && a.atMs() <= killedAtMs + UNAVAILABLE_WINDOW_MS;
      boolean afterStop = a.atMs() >= stoppedAtMs
          && a.atMs() <= stoppedAtMs + UNAVAILABLE_WINDOW_MS;
      assertThat(afterKill || afterStop).as("503 outside the failover windows: %s", a).isTrue();
    }
  }

  @Test
  void while_the_killed_owner_was_unreachable_its_keys_were_answered_from_standbys_marked_stale() {
    List<FailoverProbe.Answer> stale = answers.stream()
        .filter(a -> a.atMs() >= killedAtMs && a.atMs() <= killedAtMs + killToFreshMs)
        .filter(FailoverProbe.Answer::stale).toList();
    assertThat(stale).as("stale answers during C's failover").isNotEmpty();
    assertThat(stale).allSatisfy(a -> {
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.servedBy()).isIn(cluster.nodes.get(0).baseUrl(),
          cluster.nodes.get(1).baseUrl());
    });
  }

  @Test
  void every_key_answers_again_within_the_bound_and_from_a_survivor() {
    assertThat(killToFreshMs).isLessThan(40_000);
    assertThat(stopToFreshMs).isLessThan(40_000);
    // Routed to owners: once settled, the survivors agree on the one instance per key.
    List<FailoverProbe.Answer> afterKill = answers.stream()
        .filter(a -> a.atMs() > killedAtMs + killToFreshMs && a.atMs() < stoppedAtMs
            && a.status() == 200)
        .toList();
    assertThat(afterKill).isNotEmpty();
    for (String tx : payments) {
      Set<String> owners = afterKill.stream().filter(a -> a.tx().equals(tx))
          .map(FailoverProbe.Answer::servedBy).collect(Collectors.toSet());
      assertThat(owners).as("owners of %s between the kill and the stop", tx).hasSize(1);
    }
  }

  @Test
  void every_payment_still_reads_SUCCESS_after_losing_two_of_three_instances() {
    Http survivor = cluster.api(0);
    for (String tx : payments) {
      assertThat(survivor.get("/payments/" + tx).text("status")).as(tx).isEqualTo("SUCCESS");
    }
  }
}
