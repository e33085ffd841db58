package dev.soldout.app;

import dev.soldout.api.security.AuthSettings;
import dev.soldout.devstack.Database;
import dev.soldout.seats.hold.HoldPolicy;
import dev.soldout.seats.queue.QueuePolicy;
import dev.soldout.seats.redis.RedisConnector;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * All configuration, in one place. Layers, later ones winning: the defaults below, then the file
 * named by SOLDOUT_CONFIG (or ./soldout.properties when present), then environment variables.
 * An empty value means "use the embedded default" for endpoints.
 */
public record Settings(
    String kafkaBootstrapServers,
    String redisUrl,
    String redisSentinels,
    String redisMasterName,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String pgBaseUrl,
    int apiPort,
    String advertisedUrl,
    String stateDir,
    Path dataDir,
    int partitions,
    short replicationFactor,
    int minInsyncReplicas,
    HoldPolicy holdPolicy,
    int paymentMaxAttempts,
    long commitIntervalMs,
    int streamThreads,
    int apiThreads,
    String applicationId,
    String topicPrefix,
    String redisNamespace,
    int kafkaPort,
    int embeddedRedisPort,
    int embeddedDbPort,
    int sandboxPgPort,
    int demoSeats,
    boolean seedDemo,
    int clusterBasePort,
    int numStandbyReplicas,
    long staleReadMaxLag,
    AuthSettings auth,
    Duration rateLimitWindow,
    int rateLimitPerFan,
    int rateLimitPerIp,
    int opsPort,

    QueuePolicy.Defaults queueDefaults,
    String queueTokenSecret) {

  /** Every setting with its default; the README's configuration table mirrors this. */
  public static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("KAFKA_BOOTSTRAP_SERVERS", "");
    d.put("REDIS_URL", "");
    d.put("REDIS_SENTINELS", "");
    d.put("REDIS_MASTER_NAME", "");
    d.put("DATABASE_URL", "");
    d.put("DATABASE_USER", "");
    d.put("DATABASE_PASSWORD", "");
    d.put("PG_BASE_URL", "");
    d.put("API_PORT", "7070");
    d.put("ADVERTISED_URL", "");
    d.put("STATE_DIR", "");
    d.put("DATA_DIR", "data");
    d.put("PARTITIONS", "6");
    d.put("REPLICATION_FACTOR", "1");
    d.put("MIN_INSYNC_REPLICAS", "1");
    d.put("HOLD_TTL_MS", "300000");
    d.put("HOLDS_PER_FAN", "1");
    d.put("HOLD_MAX_LIFETIME_MS", "1200000");
    d.put("PAYMENT_MAX_ATTEMPTS", "3");
    d.put("COMMIT_INTERVAL_MS", "100");
    d.put("STREAM_THREADS", "1");
    d.put("API_THREADS", "250");
    d.put("APPLICATION_ID", "soldout");
    d.put("TOPIC_PREFIX", "");
    d.put("REDIS_NAMESPACE", "soldout:");
    d.put("KAFKA_PORT", "9092");
    d.put("EMBEDDED_REDIS_PORT", "16379");
    d.put("EMBEDDED_DB_PORT", "15432");
    d.put("SANDBOX_PG_PORT", "7071");
    d.put("DEMO_SEATS", "1000");
    d.put("SEED_DEMO", "false");
    d.put("CLUSTER_BASE_PORT", "19092");
    d.put("NUM_STANDBY_REPLICAS", "1");
    d.put("STALE_READ_MAX_LAG", "1000");
    d.put("AUTH_JWT_SECRET", "");
    d.put("AUTH_JWT_PUBLIC_KEY", "");
    d.put("AUTH_JWKS_URL", "");
    d.put("AUTH_ISSUER", "soldout");
    d.put("AUTH_AUDIENCE", "soldout-api");
    d.put("AUTH_CLOCK_SKEW_S", "30");
    d.put("AUTH_DEV_TOKENS", "false");
    d.put("AUTH_DEV_TOKEN_TTL_S", "3600");
    d.put("RATE_LIMIT_WINDOW_MS", "60000");
    d.put("RATE_LIMIT_PER_FAN", "30");
    d.put("RATE_LIMIT_PER_IP", "600");
    d.put("OPS_PORT", "");
    d.put("QUEUE_ENABLED", "false");
    d.put("QUEUE_ADMIT_PER_SECOND", "100");
    d.put("QUEUE_MAX_ADMITTED", "2000");
    d.put("QUEUE_SESSION_MS", "600000");
    d.put("QUEUE_TOKEN_SECRET", "");
    return Map.copyOf(d);
  }

  /** Loads defaults, then the config file, then the environment. */
  public static Settings load(Map<String, String> env) throws IOException {
    Path file = Path.of(env.getOrDefault("SOLDOUT_CONFIG", "soldout.properties"));
    Map<String, String> fileValues = new LinkedHashMap<>();
    if (Files.isRegularFile(file)) {
      Properties props = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        props.load(reader);
      }
      props.stringPropertyNames().forEach(k -> fileValues.put(k, props.getProperty(k).trim()));
    } else if (env.containsKey("SOLDOUT_CONFIG")) {
      throw new IOException("SOLDOUT_CONFIG names a missing file: " + file);
    }
    return fromLayers(fileValues, env);
  }

  static Settings fromLayers(Map<String, String> file, Map<String, String> env) {
    Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
    for (Map<String, String> layer : new Map[] {file, env}) {
      layer.forEach((key, value) -> {
        if (DEFAULTS.containsKey(key)) {
          v.put(key, value);
        }
      });
    }
    int apiPort = Integer.parseInt(v.get("API_PORT"));
    String advertised = v.get("ADVERTISED_URL").isBlank()
        ? "http://127.0.0.1:" + apiPort : v.get("ADVERTISED_URL");
    Path dataDir = Path.of(v.get("DATA_DIR"));
    String stateDir = v.get("STATE_DIR").isBlank()
        ? dataDir.resolve("streams-" + apiPort).toString() : v.get("STATE_DIR");
    if (v.get("REDIS_SENTINELS").isBlank() != v.get("REDIS_MASTER_NAME").isBlank()) {
      throw new IllegalArgumentException(
          "REDIS_SENTINELS and REDIS_MASTER_NAME are set together, or neither");
    }
    return new Settings(v.get("KAFKA_BOOTSTRAP_SERVERS"), v.get("REDIS_URL"),
        v.get("REDIS_SENTINELS"), v.get("REDIS_MASTER_NAME"),
        v.get("DATABASE_URL"), v.get("DATABASE_USER"), v.get("DATABASE_PASSWORD"),
        v.get("PG_BASE_URL"), apiPort, advertised, stateDir, dataDir,
        Integer.parseInt(v.get("PARTITIONS")), Short.parseShort(v.get("REPLICATION_FACTOR")),
        Integer.parseInt(v.get("MIN_INSYNC_REPLICAS")),
        new HoldPolicy(Duration.ofMillis(Long.parseLong(v.get("HOLD_TTL_MS"))),
            Integer.parseInt(v.get("HOLDS_PER_FAN")),
            Duration.ofMillis(Long.parseLong(v.get("HOLD_MAX_LIFETIME_MS")))),
        Integer.parseInt(v.get("PAYMENT_MAX_ATTEMPTS")),
        Long.parseLong(v.get("COMMIT_INTERVAL_MS")), Integer.parseInt(v.get("STREAM_THREADS")),
        Integer.parseInt(v.get("API_THREADS")), v.get("APPLICATION_ID"),
        v.get("TOPIC_PREFIX"), v.get("REDIS_NAMESPACE"), Integer.parseInt(v.get("KAFKA_PORT")),
        Integer.parseInt(v.get("EMBEDDED_REDIS_PORT")), Integer.parseInt(v.get("EMBEDDED_DB_PORT")),
        Integer.parseInt(v.get("SANDBOX_PG_PORT")), Integer.parseInt(v.get("DEMO_SEATS")),
        Boolean.parseBoolean(v.get("SEED_DEMO")),
        Integer.parseInt(v.get("CLUSTER_BASE_PORT")),
        Integer.parseInt(v.get("NUM_STANDBY_REPLICAS")),
        Long.parseLong(v.get("STALE_READ_MAX_LAG")),
        new AuthSettings(v.get("AUTH_JWT_SECRET"), v.get("AUTH_JWT_PUBLIC_KEY"),
            v.get("AUTH_JWKS_URL"), v.get("AUTH_ISSUER"), v.get("AUTH_AUDIENCE"),
            Duration.ofSeconds(Long.parseLong(v.get("AUTH_CLOCK_SKEW_S"))),
            Boolean.parseBoolean(v.get("AUTH_DEV_TOKENS")),
            Duration.ofSeconds(Long.parseLong(v.get("AUTH_DEV_TOKEN_TTL_S")))),
        Duration.ofMillis(Long.parseLong(v.get("RATE_LIMIT_WINDOW_MS"))),
        Integer.parseInt(v.get("RATE_LIMIT_PER_FAN")),
        Integer.parseInt(v.get("RATE_LIMIT_PER_IP")),
        // The operators' port sits beside the fans' one unless set; a random fan port gets a
        // random operators' port.
        v.get("OPS_PORT").isBlank() ? (apiPort == 0 ? 0 : apiPort + 1000)
            : Integer.parseInt(v.get("OPS_PORT")),
        new QueuePolicy.Defaults(Boolean.parseBoolean(v.get("QUEUE_ENABLED")),
            Integer.parseInt(v.get("QUEUE_ADMIT_PER_SECOND")),
            Integer.parseInt(v.get("QUEUE_MAX_ADMITTED")),
            Duration.ofMillis(Long.parseLong(v.get("QUEUE_SESSION_MS")))),
        v.get("QUEUE_TOKEN_SECRET"));
  }

  public Optional<String> kafka() {
    return nonBlank(kafkaBootstrapServers);
  }

  /**
   * Where Redis is: through Sentinel when REDIS_SENTINELS and REDIS_MASTER_NAME are set (they win
   * over REDIS_URL), as a {@code redis-sentinel://} target that RedisConnector reads, else
   * REDIS_URL; empty means the embedded one.
   */
  public Optional<String> redis() {
    return nonBlank(redisSentinels)
        .map(sentinels -> RedisConnector.sentinelTarget(sentinels, redisMasterName))
        .or(() -> nonBlank(redisUrl));
  }

  /** The configured SQL database, with user and password from their own settings if given. */
  public Optional<Database> database() {
    return nonBlank(databaseUrl).map(url -> Database.fromUrl(url,
        nonBlank(databaseUser).orElse(null), nonBlank(databasePassword).orElse(null)));
  }

  public Optional<String> paymentGateway() {
    return nonBlank(pgBaseUrl);
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
