package dev.soldout.devstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis server process on 127.0.0.1 for dev and tests. It uses the {@code redis-server} on the
 * PATH when there is one (a current Redis that matches production better), else the Redis 6.2
 * binary shipped in the embedded-redis jar.
 *
 * <p>Without a directory nothing is persisted; with one, data is kept there in an append-only
 * file and reloaded on the next start.
 */
public final class RedisServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final int port;
  private final Path dir;
  private final Path executable;
  private final Path configFile;
  private final List<String> extraArgs;
  private Process process;
  private Path logFile;
  private Thread shutdownHook;

  /** A server that keeps nothing. */
  public RedisServer(int port) {
    this(port, null, executable());
  }

  /** A server that keeps its data in {@code dir}. */
  public RedisServer(int port, Path dir) {
    this(port, dir, executable());
  }

  RedisServer(int port, Path dir, Path executable) {
    this(port, dir, executable, null, List.of());
  }

  /**
   * A member of a replicated group: {@code configFile} (read first, and rewritten by Sentinel)
   * and {@code extraArgs} (such as {@code --replicaof} or {@code --sentinel}) on top of the usual
   * command line.
   */
  RedisServer(int port, Path dir, Path executable, Path configFile, List<String> extraArgs) {
    this.port = port;
    this.dir = dir == null ? null : dir.toAbsolutePath();
    this.executable = executable;
    this.configFile = configFile;
    this.extraArgs = List.copyOf(extraArgs);
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server and waits until it answers PING. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("Redis on port " + port + " is already running");
    }
    List<String> command = new ArrayList<>(List.of(executable.toString()));
    if (configFile != null) {
      command.add(configFile.toString());
    }
    command.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", ""));
    try {
      if (dir == null) {
        logFile = Files.createTempFile("redis-" + port + "-", ".log");
        command.addAll(List.of("--appendonly", "no", "--dir", logFile.getParent().toString()));
      } else {
        Files.createDirectories(dir);
        logFile = dir.resolve("redis.log");
        command.addAll(List.of("--appendonly", "yes", "--dir", dir.toString()));
      }
      command.addAll(extraArgs);
      process = new ProcessBuilder(Processes.detached(command))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // redis-server cannot notice that this JVM is gone, so stop it on the way out.
    shutdownHook = Processes.onShutdown("redis-" + port + "-stop", this::stop);
    try {
      awaitPong();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  public synchronized void stop() {
    if (process == null) {
      return;
    }
    Processes.terminate(process, STOP_TIMEOUT);
    Processes.cancel(shutdownHook);
    if (dir == null) {
      try {
        Files.deleteIfExists(logFile);
      } catch (IOException e) {
        // A leftover temp file is not worth failing a stop for.
      }
    }
    process = null;
  }

  /**
   * SIGKILL, as a crash: no shutdown save, no goodbye to replicas or clients. {@link #stop()}
   * still cleans up afterwards.
   */
  public synchronized void kill() {
    if (process != null) {
      Processes.kill(process);
    }
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    stop();
  }

  /** The {@code redis-server} on the PATH, else the one extracted from the embedded-redis jar. */
  static Path executable() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String entry : path.split(File.pathSeparator)) {
      Path candidate = Path.of(entry, "redis-server");
      if (!entry.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return bundledExecutable();
  }

  static Path bundledExecutable() {
    try {
      return ExecutableProvider.newJarResourceProvider().get().toPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitPong() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Processes.awaitWhileAlive(process, this::answersPing, 50, deadline,
        "answer PING within " + START_TIMEOUT.toSeconds() + " s", this::failure);
  }

  /** True on {@code +PONG}; a Redis still loading its data answers {@code -LOADING} instead. */
  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(7);
      return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return false;
    }
  }

  private IllegalStateException failure(String what) {
    return new IllegalStateException("Redis on port " + port + " " + what
        + "; last lines of " + logFile + ":\n" + Processes.tail(logFile, 20));
  }
}
