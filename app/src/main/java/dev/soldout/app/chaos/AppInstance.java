package dev.soldout.app.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code soldout app} instance in a child JVM, for the chaos suite: started from this JVM's
 * classpath (the runnable jar under {@code ./soldout chaos}, the test classpath under surefire)
 * through the dev stack's ChildMain, so it exits when the runner dies. The tests' SoldoutProcess
 * does the same but lives in test code, which the runnable jar does not carry.
 */
final class AppInstance implements AutoCloseable {
  private static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx384m",
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final String name;
  private final Path dir;
  private final Map<String, String> env;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1)).build();
  private Process process;

  AppInstance(String name, Path dir, Map<String, String> env) {
    this.name = name;
    this.dir = dir;
    this.env = Map.copyOf(env);
  }

  String name() {
    return name;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + env.get("API_PORT");
  }

  Path logFile() {
    return dir.resolve(name + ".log");
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  synchronized void start() throws IOException {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    Path work = Files.createDirectories(dir.resolve(name));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(JVM_OPTIONS);
    command.add("-cp");
    // Under surefire java.class.path is a manifest-only jar; this property has the entries.
    command.add(System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")));
    command.add("dev.soldout.devstack.ChildMain");
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add("dev.soldout.app.Soldout");
    command.add("app");
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    // Only the stack's configuration: the runner's own environment must not leak in.
    builder.environment().keySet().removeIf(key -> !key.equals("PATH") && !key.equals("HOME"));
    builder.environment().putAll(env);
    process = builder.start();
  }

  /** Waits until {@code /health/ready} answers 200, failing early if the process exits. */
  void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!isAlive()) {
        throw new IllegalStateException(name + " exited; see " + logFile());
      }
      if (ready()) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(name + " not ready within " + READY_TIMEOUT.toSeconds()
        + " s; see " + logFile());
  }

  boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGKILL by pid: no shutdown hook, no commit, no leave-group. */
  synchronized long kill() throws InterruptedException {
    long pid = process.pid();
    if (!process.destroyForcibly().waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " (pid " + pid + ") survived SIGKILL");
    }
    return pid;
  }

  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
