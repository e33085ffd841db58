package dev.soldout.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services for tests, one of each per test JVM, started on first use and stopped when the JVM
 * exits. Redis and PostgreSQL come from {@code REDIS_URL} and {@code DATABASE_URL} (with
 * {@code DATABASE_USER}, {@code DATABASE_PASSWORD}) when set, as in CI; otherwise they, like
 * Kafka always, are started on free ports with their data in a temp dir.
 */
public final class TestServices {

  private static final Logger log = LoggerFactory.getLogger(TestServices.class);

  private static Path root;
  private static KafkaBroker kafka;
  private static RedisServer redis;
  private static PostgresServer postgres;
  private static String redisUrl;
  private static Database database;
  // Schemas in an external database outlive this JVM unless dropped.
  private static final List<String> externalSchemas = new ArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TestServices::shutdown, "test-services-stop"));
  }

  private TestServices() {}

  public static synchronized String kafkaBootstrap() {
    if (kafka == null) {
      KafkaBroker broker = new KafkaBroker(
          KafkaBroker.Config.singleNode(dir("kafka"), FreePorts.next(), FreePorts.next()));
      broker.start();
      kafka = broker;
    }
    return kafka.bootstrapServers();
  }

  public static synchronized String redisUrl() {
    if (redisUrl == null) {
      String configured = System.getenv("REDIS_URL");
      if (configured != null && !configured.isBlank()) {
        redisUrl = configured;
      } else {
        RedisServer server = new RedisServer(FreePorts.next());
        server.start();
        redis = server;
        redisUrl = server.url();
      }
    }
    return redisUrl;
  }

  public static synchronized Database database() {
    if (database == null) {
      String configured = System.getenv("DATABASE_URL");
      if (configured != null && !configured.isBlank()) {
        database = Database.fromUrl(configured, System.getenv("DATABASE_USER"), System.getenv("DATABASE_PASSWORD"));
      } else {
        PostgresServer server = new PostgresServer(FreePorts.next(), dir("postgres"));
        database = server.start();
        postgres = server;
      }
    }
    return database;
  }

  /** A new, empty schema that unqualified names resolve in, so test classes cannot see each other's tables. */
  public static synchronized Database freshSchema() {
    Database db = database();
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(db, "create schema " + schema);
    if (postgres == null) {
      externalSchemas.add(schema);
    }
    return db.withCurrentSchema(schema);
  }

  private static Path dir(String name) {
    try {
      if (root == null) {
        root = Files.createTempDirectory("soldout-test-");
      }
      return Files.createDirectories(root.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized void shutdown() {
    for (String schema : externalSchemas) {
      try {
        execute(database, "drop schema if exists " + schema + " cascade");
      } catch (RuntimeException e) {
        log.warn("Could not drop test schema {}", schema, e);
      }
    }
    for (AutoCloseable service : new AutoCloseable[] {kafka, redis, postgres}) {
      if (service != null) {
        try {
          service.close();
        } catch (Exception e) {
          log.warn("Could not stop test service {}", service, e);
        }
      }
    }
    if (root != null) {
      deleteRecursively(root);
    }
  }

  private static void execute(Database db, String sql) {
    try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not run '" + sql + "' on " + db, e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not delete {}", dir, e);
    }
  }
}
