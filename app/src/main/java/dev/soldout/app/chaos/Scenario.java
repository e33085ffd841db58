package dev.soldout.app.chaos;

import dev.soldout.devstack.KafkaBroker;
import dev.soldout.devstack.RedisSentinelGroup;
import dev.soldout.events.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One fault: how to inject it, how long it lasts, how to lift it, and any check of its own on
 * top of the invariants. The table is in {@link #all}; its order is the order of a full run
 * (redis-down restarts both Redis members in their first roles, so it runs before the failover
 * swaps them).
 */
record Scenario(String name, String fault, long faultMs, Step inject, Step recover,
    Check check) {

  /** A step of a fault; returns a note for the report (a pid, a count), or null. */
  interface Step {
    String run(ChaosStack stack) throws Exception;
  }

  /** A scenario's own check after the drain; returns violations in words. */
  interface Check {
    List<String> run(ChaosStack stack, List<String> notes) throws Exception;
  }

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  /** Every scenario, in run order, with outages of {@code outageMs}. */
  static Map<String, Function<Long, Scenario>> all() {
    Map<String, Function<Long, Scenario>> all = new LinkedHashMap<>();
    all.put("pg-outage", ms -> new Scenario("pg-outage",
        "sandbox PG answers every call 503 (fault switch outage=true)", ms,
        s -> pgFaults(s, "{\"outage\":true}"), s -> pgFaults(s, "{\"outage\":false}"), null));
    all.put("poison", ms -> poison());
    all.put("redis-down", ms -> new Scenario("redis-down",
        "Redis master and replica SIGKILLed: no Redis answers; restarted (empty) afterwards", ms,
        s -> {
          s.redis().killMaster();
          s.redis().killReplica();
          return "killed master :" + s.redis().masterPort() + " and replica :"
              + s.redis().replicaPort();
        },
        s -> {
          s.redis().restartMaster();
          s.redis().restartReplica();
          await(() -> "up".equals(RedisSentinelGroup.info(s.redis().replicaPort())
              .get("master_link_status")), "the replica in sync again");
          return null;
        }, null));
    all.put("kill-app", ms -> new Scenario("kill-app",
        "app-2 SIGKILLed mid-batch, restarted later", ms,
        s -> "killed app-2, pid " + s.apps().get(1).kill(),
        s -> {
          s.apps().get(1).start();
          s.apps().get(1).awaitReady();
          return "app-2 ready again";
        }, null));
    all.put("db-down", ms -> new Scenario("db-down",
        "the SQL database's port closed (TCP proxy closed, connections cut)", ms,
        s -> {
          s.closeDatabasePort();
          return null;
        },
        s -> {
          s.openDatabasePort();
          return null;
        }, null));
    all.put("kill-broker", ms -> new Scenario("kill-broker",
        "broker 2 of 3 SIGKILLed (RF 3, min ISR 2), restarted later", ms,
        s -> {
          KafkaBroker broker = s.kafka().node(2);
          long pid = broker.pid();
          broker.kill();
          return "killed broker 2, pid " + pid;
        },
        s -> {
          s.kafka().node(2).start();
          return "broker 2 restarted, pid " + s.kafka().node(2).pid();
        }, null));
    all.put("redis-failover", ms -> new Scenario("redis-failover",
        "Redis master SIGKILLed; Sentinel promotes the replica; old master restarted as replica",
        ms,
        s -> {
          s.redis().killMaster();
          return "killed master :" + s.redis().masterPort();
        },
        s -> {
          s.redis().awaitPromotion(Duration.ofSeconds(30));
          s.redis().restartMaster();
          await(() -> "up".equals(RedisSentinelGroup.info(s.redis().masterPort())
              .get("master_link_status")), "the old master to replicate from the new one");
          return "replica :" + s.redis().replicaPort() + " promoted; old master rejoined";
        }, null));
    all.put("pg-slow", ms -> new Scenario("pg-slow",
        "sandbox PG answers every call after 5 s (client timeout 2.5 s)", ms,
        s -> pgFaults(s, "{\"latencyMs\":5000}"), s -> pgFaults(s, "{\"latencyMs\":0}"), null));
    all.put("cluster-outage", ms -> new Scenario("cluster-outage",
        "all three brokers stopped, then started again", ms,
        s -> {
          s.kafka().close();
          return "stopped 3 brokers";
        },
        s -> {
          s.kafka().start();
          return "3 brokers started";
        }, null));
    return all;
  }

  private static Scenario poison() {
    Poison poison = new Poison();
    return new Scenario("poison",
        "malformed, wrong-shape and 900 KB records on every input topic (plain producer)", 0,
        s -> "wrote " + poison.write(s.kafka().bootstrapServers(), Topics.standard())
            + " poison records",
        s -> null,
        (s, notes) -> {
          // Streams and the payment worker alike dead-letter what they cannot read.
          List<Poison.Written> missing;
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          do {
            missing = poison.missingFrom(s.checks().deadLetters());
          } while (!missing.isEmpty() && System.nanoTime() < deadline && pause());
          List<String> violations = new ArrayList<>();
          for (Poison.Written w : missing) {
            violations.add("poison not in payment.dlq: " + w.what() + " at " + w.where());
          }
          return violations;
        });
  }

  private static boolean pause() {
    try {
      Thread.sleep(1_000);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Sets the sandbox PG's faults. Asked again (5 times at most): while the PG answers in 5 s its
   * server may be too busy to take the switch's own request at once.
   */
  static String pgFaults(ChaosStack stack, String json) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return pgFaultsOnce(stack, json) + (attempt == 1 ? "" : " (switch answered on attempt "
            + attempt + ")");
      } catch (java.io.IOException e) {
        if (attempt == 5 || !pause()) {
          throw e;
        }
      }
    }
  }

  private static String pgFaultsOnce(ChaosStack stack, String json) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
            URI.create(stack.pgUrl() + "/admin/faults"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("PG fault switch answered " + r.statusCode());
    }
    return "PG faults " + json;
  }

  /** Waits up to 60 s for a condition of the infrastructure. */
  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline || !pause()) {
        throw new IllegalStateException("waited 60 s for " + what);
      }
    }
  }
}
