package dev.soldout.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An embedded PostgreSQL 17 (zonky binaries) on 127.0.0.1 whose data directory is kept, so a
 * restart finds the previous data. Authentication is trust: user {@code postgres}, no password.
 *
 * <p>Running as root works: zonky starts initdb, pg_ctl and postgres through {@code unshare -U}
 * when the effective user is root, as PostgreSQL refuses to run as root.
 */
public final class PostgresServer implements AutoCloseable {

  private final int port;
  private final Path dataDir;
  private EmbeddedPostgres postgres;
  private Thread shutdownHook;

  public PostgresServer(int port, Path dataDir) {
    this.port = port;
    this.dataDir = dataDir.toAbsolutePath();
  }

  public int port() {
    return port;
  }

  /** The {@code postgres} database of this server. */
  public Database database() {
    return new Database("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
  }

  /** Starts the server, running initdb first if the data directory is new. */
  public synchronized Database start() {
    if (postgres != null) {
      throw new IllegalStateException("PostgreSQL on port " + port + " is already running");
    }
    try {
      postgres = EmbeddedPostgres.builder()
          .setPort(port)
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          // Our own hook instead, so that it and stop() cannot run pg_ctl stop concurrently.
          .setRegisterShutdownHook(false)
          // zonky's 10 s default is tight for initdb on a busy 2-core machine.
          .setPGStartupWait(Duration.ofSeconds(60))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL on port " + port + " did not start in " + dataDir, e);
    }
    shutdownHook = Processes.onShutdown("postgres-" + port + "-stop", this::stop);
    return database();
  }

  public synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      postgres = null;
      Processes.cancel(shutdownHook);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
