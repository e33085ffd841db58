package dev.soldout.app;

import dev.soldout.devstack.FreePorts;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code soldout app} instance in a child JVM started from the test classpath, so that a test
 * can SIGKILL a real process in the middle of a Kafka transaction.
 *
 * <p>The JVM runs {@code java -cp <classpath> dev.soldout.devstack.ChildMain <testPid>
 * dev.soldout.app.Soldout app}:
 * ChildMain exits the child as soon as the test JVM is gone, so even a test JVM that is itself
 * killed leaves no instance behind. Its stdout and stderr go to {@code <name>.log} in the work
 * dir (appended across restarts); its working dir is private, so no soldout.properties is read.
 */
final class SoldoutProcess implements AutoCloseable {
  private static final List<String> JVM_OPTIONS = List.of(
      "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-XX:+ExitOnOutOfMemoryError");
  private static final Pattern UUID_PATTERN = Pattern.compile(
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final String name;
  private final Path workDir;
  private final Path logFile;
  private final Map<String, String> env;
  private final String classpath;
  private Process process;

  /**
   * @param classpath the child's classpath, e.g. from {@link #snapshotClasspath(Path)}
   * @param env the instance's configuration; API_PORT, APPLICATION_ID and STATE_DIR are required
   */
  SoldoutProcess(String name, Path root, String classpath, Map<String, String> env) {
    this.name = name;
    this.classpath = classpath;
    this.workDir = root.resolve(name);
    this.logFile = root.resolve(name + ".log");
    // Every instance trusts the test fans' tokens and keeps its operators' port apart.
    Map<String, String> full = new HashMap<>(TestFans.ENV);
    full.put("OPS_PORT", Integer.toString(FreePorts.next()));
    full.putAll(env);
    this.env = Map.copyOf(full);
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String name() {
    return name;
  }

  int apiPort() {
    return Integer.parseInt(env.get("API_PORT"));
  }

  String opsUrl() {
    return "http://127.0.0.1:" + env.get("OPS_PORT");
  }

  String baseUrl() {
    return "http://127.0.0.1:" + apiPort();
  }

  Path logFile() {
    return logFile;
  }

  synchronized void start() throws IOException {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.add("-cp");
    command.add(classpath);
    command.add("dev.soldout.devstack.ChildMain");
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(Soldout.class.getName());
    command.add("app");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> childEnv = builder.environment();
    // Only what this instance is given: the test JVM's own DATABASE_URL etc. must not leak in.
    childEnv.keySet().removeIf(key -> Settings.DEFAULTS.containsKey(key)
        || key.equals("SOLDOUT_CONFIG"));
    childEnv.putAll(env);
    process = builder.start();
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no commit, no leave-group; the process is gone on return. */
  synchronized void kill() throws InterruptedException {
    if (process != null && !process.destroyForcibly().waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
    }
  }

  /** SIGTERM: the shutdown hook closes the node, which leaves the group at once. */
  synchronized void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(name + " did not stop within 30 s of SIGTERM");
      }
    }
  }

  /**
   * The Kafka Streams process id, which Streams keeps in the state dir and reuses on restart;
   * the transactional ids of the instance's stream threads are {@code <appId>-<processId>-<n>}.
   */
  Optional<String> streamsProcessId() {
    Path file = Path.of(env.get("STATE_DIR"), env.get("APPLICATION_ID"),
        "kafka-streams-process-metadata");
    try {
      Matcher matcher = UUID_PATTERN.matcher(Files.readString(file, StandardCharsets.UTF_8));
      return matcher.find() ? Optional.of(matcher.group()) : Optional.empty();
    } catch (IOException notYet) {
      return Optional.empty();
    }
  }

  /** The end of the instance's log, for assertion messages. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + logFile + ": " + e + ")";
    }
  }

  /** Stops the child whatever its state; safe to call more than once and from a shutdown hook. */
  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * This JVM's classpath with its directories (target/classes...) copied under {@code root}, so
   * that a rebuild of the module while the test runs cannot pull classes from under a child
   * that is still loading them, or restarting. Jars stay where they are.
   */
  static String snapshotClasspath(Path root) throws IOException {
    // Under surefire java.class.path is a manifest-only jar; this property has the real entries.
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> entries = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (Files.isDirectory(source)) {
        Path copy = root.resolve("classpath-" + entries.size());
        try (Stream<Path> paths = Files.walk(source)) {
          for (Path path : (Iterable<Path>) paths::iterator) {
            Path target = copy.resolve(source.relativize(path).toString());
            if (Files.isDirectory(path)) {
              Files.createDirectories(target);
            } else {
              Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
        entries.add(copy.toString());
      } else {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  static Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  @Override
  public String toString() {
    return name + (process == null ? " (never started)" : " (pid " + process.pid() + ")");
  }
}
