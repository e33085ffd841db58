package dev.soldout.devstack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** Small helpers shared by the servers that run as child processes. */
final class Processes {

  private static final int TAIL_BYTES = 8 * 1024;

  private Processes() {}

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  /**
   * The command in a session of its own when setsid is there: Ctrl-C in the launcher's terminal
   * then reaches only the launcher, which stops its children in order, instead of killing the
   * broker under a topology that is still committing. setsid execs in place, so the pid stays.
   */
  static List<String> detached(List<String> command) {
    if (!Files.isExecutable(SETSID)) {
      return command;
    }
    List<String> detached = new ArrayList<>(command.size() + 1);
    detached.add(SETSID.toString());
    detached.addAll(command);
    return detached;
  }

  /**
   * Waits until {@code ready} holds, polling every {@code pollMs}; fails (via {@code failure})
   * as soon as the process exits, or when {@code deadlineNanos} passes.
   */
  static void awaitWhileAlive(Process process, BooleanSupplier ready, long pollMs,
      long deadlineNanos, String condition, Function<String, RuntimeException> failure) {
    while (!ready.getAsBoolean()) {
      try {
        if (process.waitFor(pollMs, TimeUnit.MILLISECONDS)) {
          throw failure.apply("exited with code " + process.exitValue());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure.apply("was interrupted while starting");
      }
      if (System.nanoTime() > deadlineNanos) {
        throw failure.apply("did not " + condition);
      }
    }
  }

  static Thread onShutdown(String name, Runnable action) {
    Thread hook = new Thread(action, name);
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  static void cancel(Thread hook) {
    if (hook == null || hook == Thread.currentThread()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shutdownInProgress) {
      // The hook runs (or ran) anyway; stopping twice is harmless.
    }
  }

  /** SIGTERM for a clean shutdown, SIGKILL if it takes longer than {@code grace}. */
  static void terminate(Process process, Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static void kill(Process process) {
    try {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines of a log file, for error messages; only the end is read as logs can be large. */
  static String tail(Path file, int lines) {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      long start = Math.max(0, channel.size() - TAIL_BYTES);
      ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - start));
      channel.position(start);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // a channel may return fewer bytes than asked for
      }
      String[] all = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n");
      return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
