package dev.soldout.app;

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
  final Http pg;

  private LocalSoldout(Javalin sandbox, SoldoutNode node, Topics topics, int pgPort) {
    this.sandbox = sandbox;
    this.node = node;
    this.topics = topics;
    this.api = new Http("http://127.0.0.1:" + node.port());
    this.pg = new Http("http://127.0.0.1:" + pgPort);
  }

  static LocalSoldout start(String name, int seats, int partitions) throws Exception {
    return start(name, seats, partitions, TestServices.redisUrl());
  }

  static LocalSoldout start(String name, int seats, int partitions, String redisUrl)
      throws Exception {
    return start(name, seats, partitions, redisUrl, Map.of());
  }

  /** With settings of the test's own on top, e.g. QUEUE_ENABLED. */
  static LocalSoldout start(String name, int seats, int partitions, String redisUrl,
      Map<String, String> extra) throws Exception {
    int pgPort = FreePorts.next();
    Javalin sandbox = SandboxGateway.start(pgPort);
    try {
      Map<String, String> env = env(name, seats, partitions);
      env.putAll(extra);
      Settings settings = Settings.fromLayers(Map.of(), env);
      SoldoutNode node = SoldoutNode.start(settings, new SoldoutNode.Endpoints(
          TestServices.kafkaBootstrap(), redisUrl, TestServices.freshSchema(),
          "http://127.0.0.1:" + pgPort), true);
      return new LocalSoldout(sandbox, node, Topics.withPrefix(settings.topicPrefix()), pgPort);
    } catch (Exception e) {
      sandbox.stop();
      throw e;
    }
  }

  private static Map<String, String> env(String name, int seats, int partitions)
      throws IOException {
    String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = new HashMap<>();
    env.put("API_PORT", Integer.toString(FreePorts.next()));
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
