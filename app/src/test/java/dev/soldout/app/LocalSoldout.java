package dev.soldout.app;

import static org.awaitility.Awaitility.await;

import dev.soldout.devstack.Database;
import dev.soldout.devstack.FreePorts;
import dev.soldout.devstack.TestServices;
import dev.soldout.events.Topics;
import dev.soldout.pg.sandbox.SandboxGateway;
import dev.soldout.seats.catalog.DemoCatalog;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One soldout instance in this JVM with its own sandbox PG, on the tests' shared broker, Redis and
 * database, isolated by a run prefix (topics, consumer groups, Redis keys, DB schema).
 */
final class LocalSoldout implements AutoCloseable {
  final Javalin sandbox;
  final SoldoutNode node;
  final Topics topics;
  final Http api;
  /** The operators' port: /metrics and health. */
  final Http ops;
  final Http pg;
  final Settings settings;
  private final Map<String, String> env;
  final Database database;
  private final String redisUrl;

  private LocalSoldout(Javalin sandbox, SoldoutNode node, Settings settings, int pgPort,
      Map<String, String> env, Database database, String redisUrl) {
    this.sandbox = sandbox;
    this.node = node;
    this.settings = settings;
    this.env = env;
    this.database = database;
    this.redisUrl = redisUrl;
    this.topics = Topics.withPrefix(settings.topicPrefix());
    this.api = new Http("http://127.0.0.1:" + node.port());
    this.ops = new Http("http://127.0.0.1:" + node.opsPort());
    this.pg = new Http("http://127.0.0.1:" + pgPort);
  }

  static LocalSoldout start(String name, int seats, int partitions) throws Exception {
    return start(name, seats, partitions, TestServices.redisUrl());
  }

  static LocalSoldout start(String name, int seats, int partitions, String redisUrl)
      throws Exception {
    return start(name, seats, partitions, redisUrl, settings -> { });
  }

  /** {@code beforeStart} sees the run's settings before the node starts, to stage a fault. */
  static LocalSoldout start(String name, int seats, int partitions, String redisUrl,
      Consumer<Settings> beforeStart) throws Exception {
    return start(env(name, seats, partitions), redisUrl, TestServices.freshSchema(),
        beforeStart);
  }

  /** An instance with settings of its own on top of the usual ones. */
  static LocalSoldout start(String name, int seats, int partitions, Map<String, String> settings)
      throws Exception {
    Map<String, String> env = env(name, seats, partitions);
    env.putAll(settings);
    return start(env, TestServices.redisUrl(), TestServices.freshSchema(), ready -> { });
  }

  /**
   * One more instance of {@code first}'s deployment (same application id, topics, Redis
   * namespace and schema), with its own port, state dir and sandbox PG: the two share the
   * partitions.
   */
  static LocalSoldout join(String name, LocalSoldout first) throws Exception {
    Map<String, String> env = new HashMap<>(first.env);
    env.put("API_PORT", Integer.toString(FreePorts.next()));
    env.put("STATE_DIR", Files.createTempDirectory("soldout-" + name).toString());
    return start(env, first.redisUrl, first.database, settings -> { });
  }

  private static LocalSoldout start(Map<String, String> env, String redisUrl, Database database,
      Consumer<Settings> beforeStart) throws Exception {
    int pgPort = FreePorts.next();
    Javalin sandbox = SandboxGateway.start(pgPort);
    try {
      Settings settings = Settings.fromLayers(Map.of(), env);
      beforeStart.accept(settings);
      SoldoutNode node = SoldoutNode.start(settings, settings.auth(), new SoldoutNode.Endpoints(
          TestServices.kafkaBootstrap(), redisUrl, database, "http://127.0.0.1:" + pgPort),
          true);
      return new LocalSoldout(sandbox, node, settings, pgPort, env, database, redisUrl);
    } catch (Exception e) {
      sandbox.stop();
      throw e;
    }
  }

  private static Map<String, String> env(String name, int seats, int partitions)
      throws IOException {
    String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = new HashMap<>(TestFans.ENV);
    env.put("API_PORT", Integer.toString(FreePorts.next()));
    env.put("OPS_PORT", "0");
    // As the dev stack does: the drill signs its fans in through POST /auth/dev-token.
    env.put("AUTH_DEV_TOKENS", "true");
    env.put("APPLICATION_ID", run);
    env.put("TOPIC_PREFIX", run + ".");
    env.put("REDIS_NAMESPACE", run + ":");
    env.put("STATE_DIR", Files.createTempDirectory("soldout-" + name).toString());
    env.put("DEMO_SEATS", Integer.toString(seats));
    env.put("PARTITIONS", Integer.toString(partitions));
    return env;
  }

  /**
   * Settings for an ops command run against this instance: its Kafka, Redis namespace, database
   * schema, sandbox PG, topic prefix, application id and the fans' token key, and no dev stack
   * to fall back on.
   */
  Settings opsSettings() {
    Map<String, String> env = new HashMap<>(TestFans.ENV);
    env.put("KAFKA_BOOTSTRAP_SERVERS", TestServices.kafkaBootstrap());
    env.put("REDIS_URL", TestServices.redisUrl());
    env.put("REDIS_NAMESPACE", settings.redisNamespace());
    env.put("DATABASE_URL", database.jdbcUrl());
    env.put("DATABASE_USER", database.user());
    env.put("DATABASE_PASSWORD", database.password());
    env.put("PG_BASE_URL", pg.base());
    env.put("TOPIC_PREFIX", settings.topicPrefix());
    env.put("APPLICATION_ID", settings.applicationId());
    env.put("DATA_DIR", "target/no-dev-stack");
    return Settings.fromLayers(Map.of(), env);
  }

  /** Holds a seat of the first demo performance and pays for it; the paymentTxId. */
  String pay(String seatId, String userId) {
    String performance = DemoCatalog.PERFORMANCE_IDS.get(0);
    var hold = api.post("/holds", "{\"performanceId\":\"" + performance + "\",\"seatId\":\""
        + seatId + "\",\"userId\":\"" + userId + "\"}");
    if (hold.status() != 201) {
      throw new IllegalStateException("hold of " + seatId + ": " + hold.body());
    }
    long price = 0;
    for (var seat : api.get("/performances/" + performance + "/seats").body()) {
      if (seat.path("seatId").asText().equals(seatId)) {
        price = seat.path("price").asLong();
      }
    }
    var paid = api.post("/payments", "{\"holdId\":\"" + hold.text("holdId")
        + "\",\"userId\":\"" + userId + "\",\"amount\":" + price + "}",
        "Idempotency-Key", hold.text("holdId"));
    if (paid.status() != 202) {
      throw new IllegalStateException("payment for " + seatId + ": " + paid.body());
    }
    return paid.text("paymentTxId");
  }

  /** Pays for a seat and waits until the payment is SUCCESS. */
  String buy(String seatId, String userId) {
    String tx = pay(seatId, userId);
    await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCESS".equals(
        api.get("/payments/" + tx).text("status")));
    return tx;
  }

  @Override
  public void close() {
    node.close();
    sandbox.stop();
  }
}
