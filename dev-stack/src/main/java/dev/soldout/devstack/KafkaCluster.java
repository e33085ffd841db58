package dev.soldout.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A local three-node KRaft cluster: each node a combined broker and controller in its own child
 * JVM ({@link KafkaBroker}), on loopback ports, data under one directory. Internal topics are
 * replicated three ways with min.insync.replicas 2 and unclean leader election is off, as in
 * production, so one node can be killed without losing an acknowledged record.
 */
public final class KafkaCluster implements AutoCloseable {
  public static final int SIZE = 3;

  private final List<KafkaBroker> nodes;

  /** Node n (1..3) listens on brokerPorts[n-1] and controllerPorts[n-1], data in dir/node-n. */
  public KafkaCluster(Path dir, int[] brokerPorts, int[] controllerPorts) {
    StringBuilder voters = new StringBuilder();
    for (int n = 1; n <= SIZE; n++) {
      voters.append(n == 1 ? "" : ",").append(n).append("@127.0.0.1:")
          .append(controllerPorts[n - 1]);
    }
    List<KafkaBroker> list = new ArrayList<>();
    for (int n = 1; n <= SIZE; n++) {
      KafkaBroker.Config config = new KafkaBroker.Config(n, brokerPorts[n - 1],
          controllerPorts[n - 1], dir.resolve("node-" + n), voters.toString(), java.util.Map.of())
          .withProperty("offsets.topic.replication.factor", "3")
          .withProperty("transaction.state.log.replication.factor", "3")
          .withProperty("transaction.state.log.min.isr", "2")
          .withProperty("default.replication.factor", "3")
          .withProperty("min.insync.replicas", "2")
          .withProperty("unclean.leader.election.enable", "false")
          // A restarted node takes back its preferred partitions by itself after a while;
          // ./soldout leader-election does it at once.
          .withProperty("auto.leader.rebalance.enable", "true");
      list.add(new KafkaBroker(config));
    }
    this.nodes = List.copyOf(list);
  }

  /**
   * Starts every node that is not running, concurrently: a node is ready only once a majority of
   * controllers runs, so one at a time would never finish.
   */
  public void start() {
    List<CompletableFuture<Void>> starting = nodes.stream().filter(n -> !n.isRunning())
        .map(n -> CompletableFuture.runAsync(n::start)).toList();
    CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
  }

  public KafkaBroker node(int nodeId) {
    if (nodeId < 1 || nodeId > SIZE) {
      throw new IllegalArgumentException("no node " + nodeId + " (nodes are 1.." + SIZE + ")");
    }
    return nodes.get(nodeId - 1);
  }

  public List<KafkaBroker> nodes() {
    return nodes;
  }

  public String bootstrapServers() {
    return nodes.stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
  }

  /** Stops every node cleanly (concurrently: the last ones would wait for a lost quorum). */
  @Override
  public void close() {
    CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::stop))
        .toArray(CompletableFuture[]::new)).join();
  }
}
