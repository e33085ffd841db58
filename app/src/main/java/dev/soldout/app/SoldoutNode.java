package dev.soldout.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.api.ApiApp;
import dev.soldout.api.security.AbuseLimits;
import dev.soldout.api.security.AuthSettings;
import dev.soldout.api.security.FanTokens;
import dev.soldout.api.health.HealthCheck;
import dev.soldout.api.health.HealthService;
import dev.soldout.api.payment.PaymentRequests;
import dev.soldout.api.status.TxWaiters;
import dev.soldout.app.metrics.NodeMetrics;
import dev.soldout.devstack.Database;
import dev.soldout.events.Topics;
import dev.soldout.events.TxState;
import dev.soldout.events.follow.TopicFollower;
import dev.soldout.seats.catalog.Catalog;
import dev.soldout.seats.catalog.DemoCatalog;
import dev.soldout.seats.db.Databases;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.seats.hold.HoldHeartbeat;
import dev.soldout.seats.hold.HoldKeeper;
import dev.soldout.seats.projection.PaymentProjection;
import dev.soldout.seats.redis.FixedWindowLimiter;
import dev.soldout.seats.redis.RedisConnector;
import dev.soldout.stores.LocalLags;
import dev.soldout.stores.TxStateQuery;
import dev.soldout.stores.TxStatusTally;
import dev.soldout.topology.PaymentTopology;
import dev.soldout.topology.StreamsSettings;
import dev.soldout.topology.TopicProvisioner;
import dev.soldout.topology.TopologySettings;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * One soldout instance: the topology, the payment worker, the seat marker and the HTTP API,
 * against endpoints that already run. Several instances share the partitions of one cluster.
 */
public final class SoldoutNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SoldoutNode.class);

  /** Where the infrastructure this node talks to runs; redisUrl may be a Sentinel target. */
  public record Endpoints(String kafka, String redisUrl, Database database, String pgBaseUrl) {}

  /** Waiting is cheap (a future, a connection); past this many a long-poll answers at once. */
  private static final int MAX_STATUS_WAITERS = 20_000;

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private KafkaStreams streams;
  private Javalin api;
  private Javalin ops;

  private SoldoutNode() {}

  /** Starts a node; on failure, stops whatever it had started. */
  public static SoldoutNode start(Settings settings, AuthSettings auth, Endpoints endpoints,
      boolean seedDemo) throws Exception {
    SoldoutNode node = new SoldoutNode();
    try {
      node.boot(settings, auth, endpoints, seedDemo);
      return node;
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  private void boot(Settings settings, AuthSettings auth, Endpoints endpoints, boolean seedDemo)
      throws Exception {
    // Checked first: a node that could not authenticate fans must not start half-way.
    FanTokens tokens = new FanTokens(auth, Clock.systemUTC());
    Topics topics = Topics.withPrefix(settings.topicPrefix());
    NodeMetrics metrics = new NodeMetrics(topics);
    started.push(metrics);
    TopicProvisioner.ensure(endpoints.kafka(), topics, new TopicProvisioner.Layout(
        settings.partitions(), settings.replicationFactor(), settings.minInsyncReplicas()));

    HikariDataSource pool = Databases.pool(endpoints.database().jdbcUrl(),
        endpoints.database().user(), endpoints.database().password(), 10);
    started.push(pool);
    metrics.watch(pool);
    Databases.migrate(pool);
    Jdbi jdbi = Databases.jdbi(pool);
    if (seedDemo && DemoCatalog.seedIfEmpty(jdbi, settings.demoSeats(), Clock.systemUTC().instant())) {
      log.info("seeded the demo catalog: {} seats per performance", settings.demoSeats());
    }
    Catalog catalog = new Catalog(jdbi);

    UnifiedJedis redis = RedisConnector.connect(endpoints.redisUrl());
    started.push(redis);
    HoldStore holds = new HoldStore(redis, settings.redisNamespace(), jdbi,
        settings.holdPolicy(), Clock.systemUTC(), metrics.holds());
    metrics.watch(holds);
    started.push(HoldHeartbeat.start(holds));
    WaitingRooms queue = WaitingRooms.start(settings, redis, endpoints.redisUrl(), jdbi,
        metrics.queues());
    started.push(queue);

    URI advertised = URI.create(settings.advertisedUrl());
    Properties streamsConfig = StreamsSettings.base(endpoints.kafka(), settings.applicationId(),
        settings.stateDir(), advertised.getHost() + ":" + advertised.getPort(),
        settings.commitIntervalMs(), settings.streamThreads(), settings.replicationFactor(),
        settings.numStandbyReplicas(), topics);
    // Long-polls wait on futures; one timer thread ends them all, and a small pool completes
    // them, so that neither the stream thread nor the timer writes HTTP responses.
    ScheduledThreadPoolExecutor waitTimer = new ScheduledThreadPoolExecutor(1,
        daemon("status-wait-timer"));
    waitTimer.setRemoveOnCancelPolicy(true);
    ExecutorService waitCompletions = Executors.newFixedThreadPool(2,
        daemon("status-wait-answers"));
    started.push(waitTimer::shutdownNow);
    started.push(waitCompletions::shutdownNow);
    TxWaiters waiters = new TxWaiters(waitTimer, waitCompletions, MAX_STATUS_WAITERS);
    TxStatusTally statusTally = new TxStatusTally();
    streams = new KafkaStreams(PaymentTopology.build(topics,
        new TopologySettings(settings.paymentMaxAttempts(), Duration.ofMillis(100), waiters,
            statusTally),
        streamsConfig), streamsConfig);
    // Any move of partitions (a rebalance, a stop) answers the waiting long-polls at once:
    // they look their transaction up again instead of waiting out their time on a stale owner.
    streams.setStateListener((now, before) -> {
      if (now != KafkaStreams.State.RUNNING) {
        waiters.movedAll();
      }
    });
    // A thread that dies on an unexpected error is replaced; its tasks resume from the last commit.
    streams.setUncaughtExceptionHandler(e -> {
      log.error("stream thread failed, replacing it", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    // Leaving the group on a clean stop hands the partitions over at once, instead of after the
    // session timeout: a restart or a scale-in does not stall payments.
    started.push(() -> streams.close(CloseOptions.timeout(Duration.ofSeconds(10))
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)));
    started.push(metrics.watch(streams, statusTally));
    streams.start();
    LocalLags lags = LocalLags.start(streams, Duration.ofSeconds(1));
    started.push(lags);

    started.push(PaymentWorkers.start(settings, endpoints, topics, holds, metrics));
    started.push(new TopicFollower<TxState>(endpoints.kafka(), settings.applicationId()
        + "-hold-keeper", topics.txState(), new HoldKeeper(holds, queue::paymentEnded),
        Duration.ofSeconds(1),
        metrics.kafkaClients()).start());
    // The finance projection: its own group, so it replays and lags independently of the seats.
    started.push(new TopicFollower<TxState>(endpoints.kafka(), settings.applicationId()
        + "-projection", topics.txState(), new PaymentProjection(jdbi), Duration.ofSeconds(1),
        metrics.kafkaClients()).start());
    started.push(metrics.follow(endpoints.kafka(), settings.applicationId(), topics));

    PaymentRequests payments = new PaymentRequests(endpoints.kafka(), topics.paymentTry(),
        metrics.kafkaClients());
    started.push(payments);
    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        endpoints.kafka(), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
    started.push(admin);
    HealthService health = new HealthService(List.of(
        new HealthCheck("kafka", true, () -> {
          String cluster = admin.describeCluster().clusterId().get(2, TimeUnit.SECONDS);
          if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException("streams " + streams.state());
          }
          return "cluster " + cluster + ", streams RUNNING";
        }),
        // Not needed for readiness: holds fall back to the database while Redis is down.
        new HealthCheck("redis", false, () -> holds.ping() ? "PONG" : "no PONG"),
        new HealthCheck("db", true, () -> jdbi.withHandle(
            h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1 ? "SELECT 1" : "?")),
        Duration.ofSeconds(2));
    started.push(health);
    started.push(metrics.probe(health));

    api = ApiApp.create(new ApiApp.Dependencies(catalog, holds, payments,
        new TxStateQuery(streams, new HostInfo(advertised.getHost(), advertised.getPort()),
            lags, settings.staleReadMaxLag()),
        waiters, () -> streams.state() == KafkaStreams.State.RUNNING,
        health, metrics.registry(), new ApiApp.Security(tokens, auth.devTokens(),
            new AbuseLimits(new FixedWindowLimiter(redis, settings.redisNamespace(),
                settings.rateLimitWindow(), Clock.systemUTC()), settings.rateLimitPerFan(),
                settings.rateLimitPerIp())),
        Clock.systemUTC(), settings.apiThreads()), queue.api);
    api.start("0.0.0.0", settings.apiPort());
    started.push(api::stop);
    ops = ApiApp.createOps(health, metrics.registry());
    ops.start("0.0.0.0", settings.opsPort());
    started.push(ops::stop);
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Waits until the topology runs, so that payment status queries can be answered. */
  public void awaitRunning() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
        throw new IllegalStateException("the topology did not start: " + streams.state());
      }
      Thread.sleep(50);
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** The operators' port: /metrics and health. */
  public int opsPort() {
    return ops.port();
  }

  public int port() {
    return api.port();
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        log.warn("while stopping: {}", e.toString());
      }
    }
  }
}
