package dev.soldout.app;

import dev.soldout.devstack.KafkaBroker;
import dev.soldout.devstack.KafkaCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * {@code ./soldout cluster start|stop|status|kill N|restart N}: a local three-node KRaft cluster
 * for failover drills. {@code start} runs in the foreground and owns the three broker JVMs (they
 * exit with it, see ChildMain); the other subcommands talk to it through files under
 * {@code DATA_DIR/cluster}: {@code cluster.properties} (bootstrap and pids) and requests in
 * {@code control/} that the owner carries out. {@code kill} SIGKILLs a node by its pid directly.
 */
final class ClusterCommand {
  static final String USAGE = """
      usage: ./soldout cluster start | stop | status | kill <nodeId> | restart <nodeId>
        start     runs three combined broker+controller nodes (ids 1-3) on loopback ports from
                  CLUSTER_BASE_PORT (broker n: base+2(n-1), its controller the port above),
                  data under DATA_DIR/cluster, RF 3, min.insync.replicas 2, no unclean
                  elections; stays in the foreground (Ctrl-C or `cluster stop` ends it)
        stop      asks the running cluster to stop cleanly
        status    each node up or down, the quorum leader, under-replicated and offline
                  partitions; exit 1 if a node is down or a partition under-replicated
        kill N    SIGKILLs node N, as in a crash
        restart N stops node N cleanly if it runs, then starts it again with its data
      Point soldout at it with KAFKA_BOOTSTRAP_SERVERS (printed by start),
      REPLICATION_FACTOR=3 MIN_INSYNC_REPLICAS=2. Exit codes: 0 ok, 1 failure, 2 bad usage.""";

  private static final long REQUEST_TIMEOUT_MS = 120_000;

  private ClusterCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) {
    if (args.length > 0 && List.of("--help", "-h").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    Path dir = settings.dataDir().resolve("cluster");
    String sub = args.length == 0 ? "" : args[0];
    boolean needsNode = sub.equals("kill") || sub.equals("restart");
    if (!List.of("start", "stop", "status", "kill", "restart").contains(sub)
        || args.length != (needsNode ? 2 : 1)) {
      out.println(USAGE);
      return 2;
    }
    int node = 0;
    if (needsNode) {
      try {
        node = Integer.parseInt(args[1]);
      } catch (NumberFormatException e) {
        node = 0;
      }
      if (node < 1 || node > KafkaCluster.SIZE) {
        out.println("node ids are 1.." + KafkaCluster.SIZE);
        return 2;
      }
    }
    try {
      switch (sub) {
        case "start":
          return start(dir, settings.clusterBasePort(), out);
        case "status":
          return status(dir, out);
        case "kill":
          return kill(dir, node, out);
        default:
          Optional<Properties> record = record(dir);
          if (record.isEmpty() || !alive(record.get().getProperty("owner.pid"))) {
            out.println("no cluster running from " + dir);
            return 1;
          }
          return request(dir, sub.equals("stop") ? "stop" : "restart-" + node, out);
      }
    } catch (Exception e) {
      out.println("failed: " + e);
      return 1;
    }
  }

  /** The bootstrap servers of the cluster running from this data dir, if any. */
  static Optional<String> bootstrap(Settings settings) {
    return record(settings.dataDir().resolve("cluster"))
        .filter(p -> alive(p.getProperty("owner.pid")))
        .map(p -> p.getProperty("bootstrap"));
  }

  private static int start(Path dir, int basePort, PrintStream out) throws Exception {
    Optional<Properties> existing = record(dir);
    if (existing.isPresent() && alive(existing.get().getProperty("owner.pid"))) {
      out.println("a cluster already runs from " + dir + ": " + existing.get()
          .getProperty("bootstrap"));
      return 1;
    }
    Path control = dir.resolve("control");
    Files.createDirectories(control);
    try (var stale = Files.list(control)) {
      for (Path p : stale.toList()) {
        Files.delete(p);
      }
    }
    int[] brokers = new int[KafkaCluster.SIZE];
    int[] controllers = new int[KafkaCluster.SIZE];
    for (int n = 0; n < KafkaCluster.SIZE; n++) {
      brokers[n] = basePort + 2 * n;
      controllers[n] = basePort + 2 * n + 1;
    }
    long started = System.nanoTime();
    KafkaCluster cluster = new KafkaCluster(dir, brokers, controllers);
    Thread hook = new Thread(cluster::close, "cluster-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      out.printf("starting 3 nodes under %s ...%n", dir);
      cluster.start();
      writeRecord(dir, cluster);
      out.printf("cluster up in %.1f s:%n  KAFKA_BOOTSTRAP_SERVERS=%s REPLICATION_FACTOR=3"
          + " MIN_INSYNC_REPLICAS=2%n", (System.nanoTime() - started) / 1e9,
          cluster.bootstrapServers());
      while (!Thread.currentThread().isInterrupted()) {
        if (Files.exists(control.resolve("stop"))) {
          break;
        }
        for (int n = 1; n <= KafkaCluster.SIZE; n++) {
          Path restart = control.resolve("restart-" + n);
          if (Files.exists(restart)) {
            KafkaBroker broker = cluster.node(n);
            long t = System.nanoTime();
            broker.stop();
            broker.start();
            writeRecord(dir, cluster);
            out.printf("node %d restarted in %.1f s (pid %d)%n", n, (System.nanoTime() - t) / 1e9,
                broker.pid());
            Files.delete(restart);
          }
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Runtime.getRuntime().removeShutdownHook(hook);
      cluster.close();
      Files.deleteIfExists(dir.resolve("cluster.properties"));
      Files.deleteIfExists(control.resolve("stop"));
      out.println("cluster stopped");
    }
    return 0;
  }

  private static int request(Path dir, String what, PrintStream out) throws Exception {
    Path file = dir.resolve("control").resolve(what);
    Files.writeString(file, "");
    out.println("requested " + what + " ...");
    long deadline = System.currentTimeMillis() + REQUEST_TIMEOUT_MS;
    // stop is done when the record is gone, a restart when its request file is.
    Path done = what.equals("stop") ? dir.resolve("cluster.properties") : file;
    while (Files.exists(done)) {
      if (System.currentTimeMillis() > deadline) {
        out.println(what + " not done after " + REQUEST_TIMEOUT_MS / 1000 + " s");
        return 1;
      }
      Thread.sleep(100);
    }
    out.println(what + " done");
    return 0;
  }

  private static int kill(Path dir, int node, PrintStream out) throws Exception {
    Optional<Properties> record = record(dir);
    if (record.isEmpty()) {
      out.println("no cluster running from " + dir);
      return 1;
    }
    String pid = record.get().getProperty("node." + node + ".pid");
    Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(pid));
    if (process.isEmpty() || !process.get().isAlive()) {
      out.println("node " + node + " (pid " + pid + ") is not running");
      return 1;
    }
    process.get().destroyForcibly();
    process.get().onExit().get(10, TimeUnit.SECONDS);
    out.println("node " + node + " (pid " + pid + ") killed");
    return 0;
  }

  private static int status(Path dir, PrintStream out) throws Exception {
    Optional<Properties> record = record(dir);
    if (record.isEmpty() || !alive(record.get().getProperty("owner.pid"))) {
      out.println("no cluster running from " + dir);
      return 1;
    }
    Properties p = record.get();
    int down = 0;
    for (int n = 1; n <= KafkaCluster.SIZE; n++) {
      boolean up = alive(p.getProperty("node." + n + ".pid"));
      down += up ? 0 : 1;
      out.printf("node %d  %-4s pid %s  %s%n", n, up ? "UP" : "DOWN",
          p.getProperty("node." + n + ".pid"), p.getProperty("node." + n + ".bootstrap"));
    }
    try (Admin admin = TopicsCommand.admin(p.getProperty("bootstrap"))) {
      int leader = admin.describeMetadataQuorum().quorumInfo().get(15, TimeUnit.SECONDS)
          .leaderId();
      var names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
          .get(15, TimeUnit.SECONDS);
      var topics = admin.describeTopics(names, new DescribeTopicsOptions()).allTopicNames()
          .get(15, TimeUnit.SECONDS).values();
      long partitions = topics.stream().mapToLong(t -> t.partitions().size()).sum();
      long under = 0;
      long offline = 0;
      for (TopicDescription t : topics) {
        for (var partition : t.partitions()) {
          under += partition.isr().size() < partition.replicas().size() ? 1 : 0;
          offline += partition.leader() == null || partition.leader().isEmpty() ? 1 : 0;
        }
      }
      out.printf("quorum leader: node %d; %d partitions, %d under-replicated, %d offline%n",
          leader, partitions, under, offline);
      return down == 0 && under == 0 && offline == 0 ? 0 : 1;
    }
  }

  private static void writeRecord(Path dir, KafkaCluster cluster) throws IOException {
    Properties p = new Properties();
    p.setProperty("owner.pid", Long.toString(ProcessHandle.current().pid()));
    p.setProperty("bootstrap", cluster.bootstrapServers());
    for (KafkaBroker node : cluster.nodes()) {
      int n = node.config().nodeId();
      p.setProperty("node." + n + ".pid", Long.toString(node.pid()));
      p.setProperty("node." + n + ".bootstrap", node.bootstrapServers());
    }
    Path tmp = dir.resolve("cluster.properties.tmp");
    try (Writer w = Files.newBufferedWriter(tmp)) {
      p.store(w, "written by ./soldout cluster start");
    }
    // Atomic, so a reader never sees half a record.
    Files.move(tmp, dir.resolve("cluster.properties"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static Optional<Properties> record(Path dir) {
    Path file = dir.resolve("cluster.properties");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (Reader r = Files.newBufferedReader(file)) {
      Properties p = new Properties();
      p.load(r);
      return Optional.of(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean alive(String pid) {
    return pid != null && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive)
        .orElse(false);
  }
}
