package dev.soldout.app.chaos;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.api.security.AuthSettings;
import dev.soldout.api.security.FanTokens;
import dev.soldout.app.OpsChecks;
import dev.soldout.devstack.Database;
import dev.soldout.devstack.FreePorts;
import dev.soldout.devstack.KafkaCluster;
import dev.soldout.devstack.RedisSentinelGroup;
import dev.soldout.devstack.TestServices;
import dev.soldout.events.Topics;
import dev.soldout.pg.sandbox.SandboxGateway;
import dev.soldout.seats.catalog.DemoCatalog;
import dev.soldout.seats.db.Databases;
import dev.soldout.topology.TopicProvisioner;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * The production-like stack on loopback, built from the dev stack's pieces: three KRaft brokers
 * (RF 3, min ISR 2), Redis master + replica + three Sentinels, PostgreSQL (DATABASE_URL's, in a
 * fresh schema, or an embedded one) behind a TCP proxy whose port can be closed, the sandbox PG
 * in this JVM, and app instances as child JVMs. Every fault is a real one: a process killed by
 * pid, a port closed, the PG's fault switch. {@link #close()} stops everything it started.
 */
final class ChaosStack implements AutoCloseable {
  static final int PARTITIONS = 6;

  final Path root;
  private final List<AutoCloseable> started = new ArrayList<>();
  private final List<AppInstance> apps = new ArrayList<>();
  private final Map<String, String> env = new HashMap<>();
  private KafkaCluster kafka;
  private RedisSentinelGroup redis;
  private TcpCrusher dbProxy;
  private Database db;
  private String pgUrl;
  private FanTokens tokens;

  private ChaosStack(Path root) {
    this.root = root;
  }

  /** Starts everything; on a failure stops what was started and rethrows. */
  static ChaosStack start(int instances, int seatsPerPerformance, PrintStream out)
      throws Exception {
    ChaosStack stack = new ChaosStack(Files.createTempDirectory("soldout-chaos-"));
    Thread hook = new Thread(stack::close, "chaos-stack-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stack.boot(instances, seatsPerPerformance, out);
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void boot(int instances, int seats, PrintStream out) throws Exception {
    long t = System.nanoTime();
    int[] brokerPorts = new int[KafkaCluster.SIZE];
    int[] controllerPorts = new int[KafkaCluster.SIZE];
    for (int i = 0; i < KafkaCluster.SIZE; i++) {
      brokerPorts[i] = FreePorts.next();
      controllerPorts[i] = FreePorts.next();
    }
    kafka = new KafkaCluster(root.resolve("kafka"), brokerPorts, controllerPorts);
    started.add(0, kafka);
    kafka.start();
    TopicProvisioner.ensure(kafka.bootstrapServers(), Topics.standard(),
        new TopicProvisioner.Layout(PARTITIONS, (short) 3, 2));
    out.printf("chaos: 3 brokers up (%s) in %.1f s%n", kafka.bootstrapServers(), secs(t));

    redis = RedisSentinelGroup.start(RedisSentinelGroup.Options.direct());
    started.add(0, redis);
    out.printf("chaos: Redis master :%d, replica :%d, Sentinels %s%n", redis.masterPort(),
        redis.replicaPort(), redis.sentinelAddresses());

    db = TestServices.freshSchema();
    try (HikariDataSource pool = Databases.pool(db.jdbcUrl(), db.user(), db.password(), 2)) {
      Databases.migrate(pool);
      DemoCatalog.seedIfEmpty(Databases.jdbi(pool), seats, Instant.now());
    }
    URI dbUri = URI.create(db.jdbcUrl().substring("jdbc:".length()));
    requireLoopback(dbUri.getHost());
    NioReactor reactor = new NioReactor();
    started.add(0, reactor::close);
    int proxyPort = FreePorts.next();
    dbProxy = TcpCrusherBuilder.builder().withReactor(reactor)
        .withBindAddress("127.0.0.1", proxyPort)
        .withConnectAddress(dbUri.getHost(), dbUri.getPort() < 0 ? 5432 : dbUri.getPort())
        .buildAndOpen();
    started.add(0, dbProxy::close);

    int pgPort = FreePorts.next();
    Javalin sandbox = SandboxGateway.start(pgPort);
    started.add(0, sandbox::stop);
    pgUrl = "http://127.0.0.1:" + pgPort;

    String secret = "chaos-" + UUID.randomUUID() + "-" + UUID.randomUUID();
    tokens = new FanTokens(new AuthSettings(secret, null, null, "soldout", "soldout-api",
        Duration.ofSeconds(30), false, Duration.ofHours(1)), Clock.systemUTC());
    env.putAll(Map.ofEntries(
        Map.entry("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
        Map.entry("REPLICATION_FACTOR", "3"),
        Map.entry("MIN_INSYNC_REPLICAS", "2"),
        Map.entry("PARTITIONS", Integer.toString(PARTITIONS)),
        Map.entry("REDIS_SENTINELS", redis.sentinelAddresses()),
        Map.entry("REDIS_MASTER_NAME", redis.masterName()),
        Map.entry("DATABASE_URL", db.jdbcUrl()),
        Map.entry("DATABASE_USER", db.user()),
        Map.entry("DATABASE_PASSWORD", db.password()),
        Map.entry("PG_BASE_URL", pgUrl),
        Map.entry("APPLICATION_ID", "soldout-chaos"),
        Map.entry("AUTH_JWT_SECRET", secret),
        // One load generator on one address: the per-address and per-fan limits would be the
        // only thing measured.
        Map.entry("RATE_LIMIT_PER_IP", "0"),
        Map.entry("RATE_LIMIT_PER_FAN", "0"),
        Map.entry("HOLD_TTL_MS", "60000")));
    for (int i = 1; i <= instances; i++) {
      int port = FreePorts.next();
      Map<String, String> appEnv = new HashMap<>(env);
      // The instances reach the database only through the proxy, so closing it is an outage.
      appEnv.put("DATABASE_URL", db.jdbcUrl().replace(":" + dbUri.getPort() + "/",
          ":" + proxyPort + "/"));
      appEnv.put("API_PORT", Integer.toString(port));
      appEnv.put("OPS_PORT", Integer.toString(FreePorts.next()));
      appEnv.put("ADVERTISED_URL", "http://127.0.0.1:" + port);
      appEnv.put("STATE_DIR", root.resolve("app-" + i + "-state").toString());
      apps.add(new AppInstance("app-" + i, root, appEnv));
    }
    started.add(0, () -> apps.forEach(AppInstance::close));
    t = System.nanoTime();
    for (AppInstance app : apps) {
      app.start();
    }
    for (AppInstance app : apps) {
      app.awaitReady();
    }
    out.printf("chaos: %d app instances ready in %.1f s (logs in %s)%n", instances, secs(t),
        root);
  }

  private static void requireLoopback(String host) {
    if (!List.of("127.0.0.1", "localhost", "::1").contains(host)) {
      throw new IllegalStateException("chaos runs on loopback only; the database is on " + host);
    }
  }

  private static double secs(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  List<String> apiUrls() {
    return apps.stream().map(AppInstance::baseUrl).toList();
  }

  List<AppInstance> apps() {
    return apps;
  }

  KafkaCluster kafka() {
    return kafka;
  }

  RedisSentinelGroup redis() {
    return redis;
  }

  String pgUrl() {
    return pgUrl;
  }

  FanTokens tokens() {
    return tokens;
  }

  /** The ops commands against this stack, reaching the database directly. */
  OpsChecks checks() {
    return new OpsChecks(env);
  }

  void closeDatabasePort() {
    dbProxy.close();
  }

  void openDatabasePort() {
    dbProxy.open();
  }

  boolean databasePortOpen() {
    return dbProxy.isOpen();
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable resource : started) {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("chaos: could not stop " + resource + ": " + e);
      }
    }
    started.clear();
    // Logs stay for a post-mortem; data and state go.
    try (Stream<Path> tree = Files.exists(root) ? Files.walk(root) : Stream.empty()) {
      tree.sorted(Comparator.reverseOrder())
          .filter(p -> !p.toString().endsWith(".log") && !p.equals(root))
          .forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("chaos: could not clean " + root + ": " + e);
    }
  }
}
