package dev.soldout.app;

import dev.soldout.devstack.Database;
import dev.soldout.devstack.FreePorts;
import dev.soldout.devstack.TestServices;
import dev.soldout.events.Topics;
import dev.soldout.pg.sandbox.SandboxGateway;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

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
  private final Database database;
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
    return start(env(name, seats, partitions), redisUrl, TestServices.freshSchema());
  }

  /** An instance with settings of its own on top of the usual ones. */
  static LocalSoldout start(String name, int seats, int partitions, Map<String, String> settings)
      throws Exception {
    Map<String, String> env = env(name, seats, partitions);
    env.putAll(settings);
    return start(env, TestServices.redisUrl(), TestServices.freshSchema());
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
    return start(env, first.redisUrl, first.database);
  }

  private static LocalSoldout start(Map<String, String> env, String redisUrl, Database database)
      throws Exception {
    int pgPort = FreePorts.next();
    Javalin sandbox = SandboxGateway.start(pgPort);
    try {
      Settings settings = Settings.fromLayers(Map.of(), env);
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

  @Override
  public void close() {
    node.close();
    sandbox.stop();
  }
}
