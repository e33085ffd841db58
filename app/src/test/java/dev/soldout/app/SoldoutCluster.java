package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.devstack.Database;
import dev.soldout.devstack.FreePorts;
import dev.soldout.devstack.TestServices;
import dev.soldout.events.Topics;
import dev.soldout.pg.sandbox.SandboxGateway;
import dev.soldout.seats.catalog.DemoCatalog;
import dev.soldout.seats.db.Databases;
import dev.soldout.topology.TopicProvisioner;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Several {@code soldout app} instances as child JVMs on the tests' broker, Redis and database,
 * one deployment (application id, topics, Redis namespace, schema), one in-process sandbox PG.
 * Closing it kills every child that still runs and deletes their state (logs stay).
 */
final class SoldoutCluster implements AutoCloseable {
  static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);

  final List<SoldoutProcess> nodes = new ArrayList<>();
  final Path root;
  private final Javalin sandbox;
  private boolean closed;

  private SoldoutCluster(Path root, Javalin sandbox) {
    this.root = root;
    this.sandbox = sandbox;
  }

  static SoldoutCluster start(String name, int instances, int partitions, int seats)
      throws Exception {
    String kafka = TestServices.kafkaBootstrap();
    Database db = TestServices.freshSchema();
    try (HikariDataSource pool = Databases.pool(db.jdbcUrl(), db.user(), db.password(), 2)) {
      Databases.migrate(pool);
      DemoCatalog.seedIfEmpty(Databases.jdbi(pool), seats, Instant.now());
    }
    String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    TopicProvisioner.ensure(kafka, Topics.withPrefix(run + "."),
        new TopicProvisioner.Layout(partitions, (short) 1, 1));
    int pgPort = FreePorts.next();
    Path root = Files.createTempDirectory("soldout-" + name + "-");
    SoldoutCluster cluster = new SoldoutCluster(root, SandboxGateway.start(pgPort));
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    try {
      String classpath = SoldoutProcess.snapshotClasspath(root);
      for (int i = 0; i < instances; i++) {
        String node = Character.toString('a' + i);
        int port = FreePorts.next();
        cluster.nodes.add(new SoldoutProcess(node, root, classpath, SoldoutProcess.env(
            "KAFKA_BOOTSTRAP_SERVERS", kafka,
            "REDIS_URL", TestServices.redisUrl(),
            "DATABASE_URL", db.jdbcUrl(),
            "DATABASE_USER", db.user(),
            "DATABASE_PASSWORD", db.password(),
            "PG_BASE_URL", "http://127.0.0.1:" + pgPort,
            "API_PORT", Integer.toString(port),
            "ADVERTISED_URL", "http://127.0.0.1:" + port,
            "STATE_DIR", root.resolve(node + "-state").toString(),
            "APPLICATION_ID", run,
            "TOPIC_PREFIX", run + ".",
            "REDIS_NAMESPACE", run + ":",
            "PARTITIONS", Integer.toString(partitions))));
      }
      for (SoldoutProcess node : cluster.nodes) {
        node.start();
      }
      for (SoldoutProcess node : cluster.nodes) {
        awaitReady(node);
      }
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  Http api(int node) {
    return new Http(nodes.get(node).baseUrl());
  }

  private static void awaitReady(SoldoutProcess node) {
    Http api = new Http(node.baseUrl());
    try {
      await(node.name() + " ready").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .failFast(node.name() + " exited", () -> !node.isAlive())
          .until(() -> api.get("/health/ready").status() == 200);
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new AssertionError(e.getMessage() + "; last lines of " + node.logFile() + ":\n"
          + node.logTail(40), e);
    }
  }

  /** {@code count} fans each hold a seat and pay for it, through the instances in turn. */
  List<String> buy(int count) {
    List<JsonNode> seats = new ArrayList<>();
    api(0).get("/performances/" + PERFORMANCE + "/seats").body().forEach(seats::add);
    List<String> payments = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Http api = api(i % nodes.size());
      String seatId = seats.get(i).path("seatId").asText();
      String userId = "fan-" + i;
      var hold = api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE + "\",\"seatId\":\""
          + seatId + "\",\"userId\":\"" + userId + "\"}");
      assertThat(hold.status()).as("hold %s: %s", seatId, hold.body()).isEqualTo(201);
      var paid = api.post("/payments", "{\"holdId\":\"" + hold.text("holdId") + "\",\"userId\":\""
          + userId + "\",\"amount\":" + seats.get(i).path("price").asLong() + "}");
      assertThat(paid.status()).as("pay %s: %s", seatId, paid.body()).isEqualTo(202);
      payments.add(paid.text("paymentTxId"));
    }
    return payments;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (SoldoutProcess node : nodes) {
      node.close();
    }
    sandbox.stop();
    try (Stream<Path> entries = Files.exists(root) ? Files.list(root) : Stream.empty()) {
      for (Path entry : entries.filter(e -> !e.toString().endsWith(".log")).toList()) {
        try (Stream<Path> tree = Files.walk(entry)) {
          tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    } catch (IOException e) {
      System.err.println("could not clean " + root + ": " + e);
    }
  }
}
