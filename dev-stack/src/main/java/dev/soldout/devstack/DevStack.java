package dev.soldout.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Starts, for the dev launcher, the services that are not configured otherwise, with their data
 * under one root ({@code kafka/}, {@code redis/}, {@code postgres/}) that survives restarts.
 *
 * <p>The endpoints are recorded in {@code <dataRoot>/endpoints.properties} while the stack runs,
 * so a second app instance started from the same checkout can use these services instead of
 * starting its own.
 */
public final class DevStack implements AutoCloseable {

  public static final String ENDPOINTS_FILE = "endpoints.properties";

  public enum Service { KAFKA, REDIS, POSTGRES }

  /** Ports off the standard ones, so the stack does not collide with locally installed services. */
  public record Ports(int kafka, int kafkaController, int redis, int postgres) {
    public static final Ports DEFAULT = new Ports(19092, 19093, 16379, 15432);
  }

  /** Where the services are; null for those this stack was not asked to start. */
  public record Endpoints(String kafkaBootstrap, String redisUrl, Database database) {}

  private final Path endpointsFile;
  private final List<AutoCloseable> started;
  private final Endpoints endpoints;

  private DevStack(Path endpointsFile, List<AutoCloseable> started, Endpoints endpoints) {
    this.endpointsFile = endpointsFile;
    this.started = started;
    this.endpoints = endpoints;
  }

  /** Starts {@code services} and records their endpoints; stops what it started if one fails. */
  public static DevStack start(Path dataRoot, Set<Service> services, Ports ports) {
    Path root = dataRoot.toAbsolutePath();
    List<AutoCloseable> started = new ArrayList<>();
    try {
      Database database = null;
      String redisUrl = null;
      String kafkaBootstrap = null;
      if (services.contains(Service.POSTGRES)) {
        PostgresServer postgres = new PostgresServer(ports.postgres(), root.resolve("postgres"));
        database = postgres.start();
        started.add(postgres);
      }
      if (services.contains(Service.REDIS)) {
        RedisServer redis = new RedisServer(ports.redis(), root.resolve("redis"));
        redis.start();
        started.add(redis);
        redisUrl = redis.url();
      }
      if (services.contains(Service.KAFKA)) {
        KafkaBroker kafka = new KafkaBroker(
            KafkaBroker.Config.singleNode(root.resolve("kafka"), ports.kafka(), ports.kafkaController()));
        kafka.start();
        started.add(kafka);
        kafkaBootstrap = kafka.bootstrapServers();
      }
      Endpoints endpoints = new Endpoints(kafkaBootstrap, redisUrl, database);
      Path file = root.resolve(ENDPOINTS_FILE);
      write(file, endpoints);
      return new DevStack(file, started, endpoints);
    } catch (RuntimeException e) {
      throw stopAll(started, e);
    }
  }

  /** The endpoints recorded by a running stack, if there is one. */
  public static Optional<Endpoints> readRecorded(Path dataRoot) {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(dataRoot.resolve(ENDPOINTS_FILE))) {
      props.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String databaseUrl = props.getProperty("DATABASE_URL");
    return Optional.of(new Endpoints(
        props.getProperty("KAFKA_BOOTSTRAP_SERVERS"),
        props.getProperty("REDIS_URL"),
        databaseUrl == null ? null : Database.fromUrl(databaseUrl,
            props.getProperty("DATABASE_USER"), props.getProperty("DATABASE_PASSWORD"))));
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  /** Forgets the recorded endpoints, then stops the services in reverse start order. */
  @Override
  public void close() {
    RuntimeException failure = null;
    try {
      Files.deleteIfExists(endpointsFile);
    } catch (IOException e) {
      failure = new UncheckedIOException(e);
    }
    failure = stopAll(started, failure);
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops every service even if some fail; returns {@code failure} with any new ones added. */
  private static RuntimeException stopAll(List<AutoCloseable> started, RuntimeException failure) {
    List<AutoCloseable> reversed = new ArrayList<>(started);
    Collections.reverse(reversed);
    for (AutoCloseable service : reversed) {
      try {
        service.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("Could not stop every dev service", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    return failure;
  }

  /** Written to a temp file and moved in place, so a reader never sees half a file. */
  private static void write(Path file, Endpoints endpoints) {
    Properties props = new Properties();
    if (endpoints.kafkaBootstrap() != null) {
      props.setProperty("KAFKA_BOOTSTRAP_SERVERS", endpoints.kafkaBootstrap());
    }
    if (endpoints.redisUrl() != null) {
      props.setProperty("REDIS_URL", endpoints.redisUrl());
    }
    if (endpoints.database() != null) {
      props.setProperty("DATABASE_URL", endpoints.database().jdbcUrl());
      props.setProperty("DATABASE_USER", endpoints.database().user());
      props.setProperty("DATABASE_PASSWORD", endpoints.database().password());
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ENDPOINTS_FILE, ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        props.store(out, "Services of a running DevStack; deleted when it stops");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
