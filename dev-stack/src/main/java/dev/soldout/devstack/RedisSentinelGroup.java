package dev.soldout.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A master, one replica and three Sentinels (quorum 2) on free loopback ports, for failover
 * tests. The replica may replicate through a TCP proxy that can be frozen, to create replication
 * lag on purpose: on loopback a replica is otherwise so close behind that a crash loses nothing.
 *
 * <p>{@link #start} returns once every Sentinel sees the replica and the two other Sentinels: a
 * master killed before that may find no replica to promote, and a Sentinel that abandons a
 * failover waits twice the failover timeout before it tries again.
 */
public final class RedisSentinelGroup implements AutoCloseable {
  public static final String MASTER_NAME = "soldout";
  private static final int SENTINELS = 3;
  private static final int QUORUM = 2;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How fast Sentinel acts. A proxied replica reports the proxy as its master, and Sentinel
   * "fixes" such a replica (REPLICAOF the real master) once the failover timeout has passed since
   * it saw it: a proxied group keeps the timeout long enough to outlive a test.
   */
  public record Options(Duration downAfter, Duration failoverTimeout, boolean replicationProxy) {
    /** The replica replicates straight from the master; down after 1 s. */
    public static Options direct() {
      return new Options(Duration.ofSeconds(1), Duration.ofSeconds(5), false);
    }

    /** The replica replicates through a freezable proxy; down after 1 s. */
    public static Options proxied() {
      return new Options(Duration.ofSeconds(1), Duration.ofSeconds(60), true);
    }
  }

  private final Options options;
  private final Path dir;
  private final List<AutoCloseable> started = new ArrayList<>();
  private RedisServer master;
  private RedisServer replica;
  private final List<RedisServer> sentinels = new ArrayList<>();
  private NioReactor reactor;
  private TcpCrusher proxy;

  private RedisSentinelGroup(Options options) throws IOException {
    this.options = options;
    this.dir = Files.createTempDirectory("redis-sentinel-group-");
  }

  /** Starts the group and waits until the Sentinels are ready to fail it over. */
  public static RedisSentinelGroup start(Options options) {
    try {
      RedisSentinelGroup group = new RedisSentinelGroup(options);
      try {
        group.boot();
        return group;
      } catch (RuntimeException | IOException e) {
        group.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void boot() throws IOException {
    Path executable = RedisServer.executable();
    master = member(FreePorts.next(), executable, null, List.of());
    int replicateFrom = master.port();
    if (options.replicationProxy()) {
      reactor = new NioReactor();
      started.add(0, reactor::close);
      replicateFrom = FreePorts.next();
      proxy = TcpCrusherBuilder.builder().withReactor(reactor)
          .withBindAddress("127.0.0.1", replicateFrom)
          .withConnectAddress("127.0.0.1", master.port())
          .buildAndOpen();
      started.add(0, proxy::close);
    }
    replica = member(FreePorts.next(), executable, null,
        List.of("--replicaof", "127.0.0.1", String.valueOf(replicateFrom)));
    // Sentinels learn replicas from the master's INFO, which they read at once on connecting
    // and then only every 10 s: the replica is attached before they start.
    await(() -> "up".equals(info(replica.port()).get("master_link_status"))
        && "1".equals(info(master.port()).get("connected_slaves")), "the replica in sync");
    for (int i = 0; i < SENTINELS; i++) {
      int port = FreePorts.next();
      Path config = dir.resolve("sentinel-" + port + ".conf");
      Files.writeString(config, String.join("\n",
          "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " " + QUORUM,
          "sentinel down-after-milliseconds " + MASTER_NAME + " " + options.downAfter().toMillis(),
          "sentinel failover-timeout " + MASTER_NAME + " "
              + options.failoverTimeout().toMillis(),
          "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
      sentinels.add(member(port, executable, config, List.of("--sentinel")));
    }
    await(this::sentinelsReady, "every Sentinel to see the replica and the other Sentinels");
  }

  private RedisServer member(int port, Path executable, Path config, List<String> args)
      throws IOException {
    Path memberDir = Files.createDirectories(dir.resolve("redis-" + port));
    List<String> all = new ArrayList<>(List.of("--dir", memberDir.toString()));
    all.addAll(args);
    RedisServer server = new RedisServer(port, null, executable, config, all);
    started.add(0, server::stop);
    server.start();
    return server;
  }

  private boolean sentinelsReady() {
    for (RedisServer sentinel : sentinels) {
      Map<String, String> view;
      try {
        view = Resp.pairs(Resp.call(sentinel.port(), "SENTINEL", "MASTER", MASTER_NAME));
      } catch (IOException e) {
        return false;
      }
      if (!"master".equals(view.get("flags")) || !"1".equals(view.get("num-slaves"))
          || !String.valueOf(SENTINELS - 1).equals(view.get("num-other-sentinels"))) {
        return false;
      }
    }
    return true;
  }

  public String masterName() {
    return MASTER_NAME;
  }

  /** The Sentinels as {@code REDIS_SENTINELS} takes them: {@code host:port,host:port,...}. */
  public String sentinelAddresses() {
    return sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
  }

  public int masterPort() {
    return master.port();
  }

  public int replicaPort() {
    return replica.port();
  }

  /** SIGKILL the master. */
  public void killMaster() {
    master.kill();
  }

  /** SIGKILL the replica too: with the master down as well, no Redis answers at all. */
  public void killReplica() {
    replica.kill();
  }

  /**
   * Starts the master's process again on its port, empty (members keep no data): after a failover
   * the Sentinels make it a replica of the promoted one; after an outage of both it is the master
   * again. Call it before {@link #restartReplica()}, which replicates from it.
   */
  public void restartMaster() {
    master.start();
  }

  /** Starts the replica's process again on its port, replicating from the original master. */
  public void restartReplica() {
    replica.start();
  }

  /** Stops replication traffic both ways; the connection stays open, so the replica waits. */
  public void freezeReplication() {
    requireProxy().freeze();
  }

  public void unfreezeReplication() {
    requireProxy().unfreeze();
  }

  /** The master port that at least a quorum of Sentinels report, if they agree. */
  public Optional<Integer> currentMasterPort() {
    Map<Integer, Integer> votes = new HashMap<>();
    for (RedisServer sentinel : sentinels) {
      try {
        List<?> address = (List<?>) Resp.call(sentinel.port(),
            "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        if (address != null && address.size() == 2) {
          votes.merge(Integer.parseInt(String.valueOf(address.get(1))), 1, Integer::sum);
        }
      } catch (IOException | RuntimeException e) {
        // A Sentinel that does not answer has no vote.
      }
    }
    return votes.entrySet().stream().filter(e -> e.getValue() >= QUORUM)
        .map(Map.Entry::getKey).findFirst();
  }

  /** Waits until the Sentinels name the replica master and it has taken the role. */
  public void awaitPromotion(Duration timeout) {
    await(() -> currentMasterPort().equals(Optional.of(replica.port()))
        && "master".equals(info(replica.port()).get("role")), "the replica's promotion",
        timeout);
  }

  /** A member's {@code INFO replication}; empty when it does not answer. */
  public static Map<String, String> info(int port) {
    try {
      return Resp.info(Resp.call(port, "INFO", "replication"));
    } catch (IOException e) {
      return Map.of();
    }
  }

  private TcpCrusher requireProxy() {
    if (proxy == null) {
      throw new IllegalStateException("this group replicates without a proxy");
    }
    return proxy;
  }

  private void await(BooleanSupplier condition, String what) {
    await(condition, what, READY_TIMEOUT);
  }

  private void await(BooleanSupplier condition, String what,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited " + timeout.toSeconds() + " s for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what);
      }
    }
  }

  /** Stops every process and the proxy, newest first, and removes the group's files. */
  @Override
  public void close() {
    for (AutoCloseable resource : started) {
      try {
        resource.close();
      } catch (Exception e) {
        // Stop the rest all the same.
      }
    }
    started.clear();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      // Leftover temp files are not worth failing a stop for.
    }
  }
}
