package dev.soldout.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * One KRaft node (combined broker and controller) in a child JVM started from the current classpath.
 *
 * <p>A separate JVM keeps the broker's threads, heap and logging out of the app or test JVM, and
 * gives failover tests a real process to SIGKILL. The data dir is formatted on the first start
 * only, so a stopped or killed broker restarts with its data. The child exits by itself when
 * this JVM dies (see {@link ChildMain}).
 *
 * <p>A node of a multi-node quorum is only ready once a majority of controllers runs, so start
 * such nodes concurrently.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> JVM_OPTIONS = List.of(
      "-Xms64m", "-Xmx512m",
      // A dev/test broker is small: serial GC and C1 only start faster and save CPU on small machines.
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-XX:+ExitOnOutOfMemoryError");

  /**
   * @param voters {@code controller.quorum.voters}, e.g. {@code 1@127.0.0.1:9093}; all nodes of
   *     one cluster share it, so the cluster id is derived from it
   * @param extraProperties server properties that override the single-node defaults
   */
  public record Config(int nodeId, int brokerPort, int controllerPort, Path dataDir, String voters,
             Map<String, String> extraProperties) {

    public Config {
      dataDir = dataDir.toAbsolutePath();
      Objects.requireNonNull(voters, "voters");
      extraProperties = Map.copyOf(extraProperties);
    }

    public static Config singleNode(Path dataDir, int brokerPort, int controllerPort) {
      return new Config(1, brokerPort, controllerPort, dataDir, "1@127.0.0.1:" + controllerPort, Map.of());
    }

    public Config withProperty(String key, String value) {
      Map<String, String> extra = new HashMap<>(extraProperties);
      extra.put(key, value);
      return new Config(nodeId, brokerPort, controllerPort, dataDir, voters, extra);
    }
  }

  private final Config config;
  private final Path logDir;
  private final Path propertiesFile;
  private final Path logbackFile;
  private final Path logFile;
  private Process process;

  public KafkaBroker(Config config) {
    this.config = config;
    this.logDir = config.dataDir().resolve("kraft");
    this.propertiesFile = config.dataDir().resolve("server.properties");
    this.logbackFile = config.dataDir().resolve("logback.xml");
    this.logFile = config.dataDir().resolve("broker.log");
  }

  public Config config() {
    return config;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + config.brokerPort();
  }

  /** The pid of the broker process started last, alive or not. */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("Kafka broker " + config.nodeId() + " was never started");
    }
    return process.pid();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the broker, formatting its data dir first if needed, and waits until it serves requests. */
  public synchronized void start() {
    if (isRunning()) {
      throw new IllegalStateException("Kafka broker " + config.nodeId() + " is already running");
    }
    try {
      Files.createDirectories(logDir);
      writeServerProperties();
      writeLogbackConfig();
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format();
      }
      process = launch("kafka.Kafka", propertiesFile.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      awaitReady();
    } catch (RuntimeException e) {
      Processes.kill(process);
      throw e;
    }
  }

  /** Clean shutdown (SIGTERM), SIGKILL if that takes longer than 30 s. */
  public synchronized void stop() {
    if (process != null) {
      Processes.terminate(process, STOP_TIMEOUT);
    }
  }

  /** SIGKILL without a clean shutdown, as in a crash; {@link #start()} recovers the data. */
  public synchronized void kill() {
    if (process != null) {
      Processes.kill(process);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void writeServerProperties() throws IOException {
    Properties props = new Properties();
    props.setProperty("process.roles", "broker,controller");
    props.setProperty("node.id", String.valueOf(config.nodeId()));
    props.setProperty("controller.quorum.voters", config.voters());
    props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + config.brokerPort()
        + ",CONTROLLER://127.0.0.1:" + config.controllerPort());
    props.setProperty("advertised.listeners", "PLAINTEXT://" + bootstrapServers());
    props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.setProperty("controller.listener.names", "CONTROLLER");
    props.setProperty("inter.broker.listener.name", "PLAINTEXT");
    props.setProperty("log.dirs", logDir.toString());
    props.setProperty("offsets.topic.replication.factor", "1");
    props.setProperty("transaction.state.log.replication.factor", "1");
    props.setProperty("transaction.state.log.min.isr", "1");
    // Few internal partitions: creating 50 of each is most of a fresh broker's first-use delay.
    props.setProperty("offsets.topic.num.partitions", "6");
    props.setProperty("transaction.state.log.num.partitions", "6");
    props.setProperty("group.initial.rebalance.delay.ms", "0");
    props.setProperty("auto.create.topics.enable", "false");
    props.setProperty("num.partitions", "6");
    // A SIGKILLed node can re-register only once its old session expired (default 9 s):
    // a short session makes restarts after kill() and failovers quick.
    props.setProperty("broker.session.timeout.ms", "3000");
    props.setProperty("broker.heartbeat.interval.ms", "500");
    config.extraProperties().forEach(props::setProperty);
    try (OutputStream out = Files.newOutputStream(propertiesFile)) {
      props.store(out, "Written by " + KafkaBroker.class.getName() + " on every start");
    }
  }

  /**
   * Kafka logs through SLF4J, which binds to logback wherever the app or tests have it; without
   * a configuration of its own the broker would inherit logback-test.xml or DEBUG defaults.
   * Its stdout is the log file, so a console appender writes there.
   */
  private void writeLogbackConfig() throws IOException {
    Files.writeString(logbackFile, """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
          </appender>
          <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
          <root level="WARN"><appender-ref ref="OUT"/></root>
        </configuration>
        """);
  }

  /** Nodes of one cluster share the voters string, so they format with the same cluster id. */
  private void format() throws IOException {
    UUID id = UUID.nameUUIDFromBytes(config.voters().getBytes(StandardCharsets.UTF_8));
    String clusterId = new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits()).toString();
    // One glued argument: a base64url id may start with '-', which the parser would take for
    // an option (1 start in 64 failed so).
    Process formatter = launch("kafka.tools.StorageTool",
        "format", "--cluster-id=" + clusterId, "--config", propertiesFile.toString());
    try {
      if (!formatter.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        Processes.kill(formatter);
        throw failure("could not format " + logDir + " within " + START_TIMEOUT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Processes.kill(formatter);
      Thread.currentThread().interrupt();
      throw failure("was interrupted while formatting " + logDir);
    }
    if (formatter.exitValue() != 0) {
      throw failure("could not format " + logDir + " (exit code " + formatter.exitValue() + ")");
    }
  }

  private Process launch(String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.add("-Dlogback.configurationFile=" + logbackFile);
    // Under surefire this is a manifest-only jar whose Class-Path -cp honours too.
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ChildMain.class.getName());
    command.add(String.valueOf(ProcessHandle.current().pid()));
    command.add(mainClass);
    command.addAll(List.of(args));
    return new ProcessBuilder(Processes.detached(command))
        .directory(config.dataDir().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // Wait for the port before creating an Admin: it would log a warning on every refused connection.
    Processes.awaitWhileAlive(process, this::portOpen, 100, deadline, "open port "
        + config.brokerPort() + " within " + START_TIMEOUT.toSeconds() + " s", this::failure);
    int remainingMs = (int) Math.max(1_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMs)).nodes().get();
    } catch (ExecutionException e) {
      throw failure("did not answer describeCluster: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("was interrupted while starting");
    }
  }

  private boolean portOpen() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", config.brokerPort()), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private IllegalStateException failure(String what) {
    return new IllegalStateException("Kafka broker " + config.nodeId() + " " + what
        + "; last lines of " + logFile + ":\n" + Processes.tail(logFile, 30));
  }
}
