package dev.soldout.app.metrics;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.api.health.HealthService;
import dev.soldout.dlq.DeadLetterRecord;
import dev.soldout.events.KafkaClientListener;
import dev.soldout.events.Topics;
import dev.soldout.events.follow.TopicFollower;
import dev.soldout.pg.client.PaymentGatewayClient;
import dev.soldout.pg.compensation.CompensationWorker;
import dev.soldout.pg.worker.PaymentWorker;
import dev.soldout.seats.hold.HoldListener;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.seats.queue.QueueListener;
import dev.soldout.stores.TxStatusTally;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetricsPublisher;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Everything one /metrics scrape shows. Our own metrics and the JVM's are client_java metrics;
 * what libraries measure themselves (Kafka clients and Streams, resilience4j, HikariCP) comes
 * through Micrometer, whose Prometheus registry is built on the same client_java registry.
 */
public final class NodeMetrics implements AutoCloseable {
  /** The dependency gauges trail a real change by at most this plus the health timeout. */
  private static final Duration PROBE_EVERY = Duration.ofSeconds(5);
  /** How long a metrics follower waits before it retries a batch; counting never fails. */
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, Clock.SYSTEM);
  private final KafkaClientMeters kafkaClients = new KafkaClientMeters(meters);
  private final HoldMeters holds = new HoldMeters(registry);
  private final WorkerMeters workers = new WorkerMeters(registry);
  private final QueueMeters queues = new QueueMeters(registry);

  public NodeMetrics(Topics topics) {
    JvmMetrics.builder().register(registry);
    meters.config().meterFilter(new KafkaMeterNames(topics));
  }

  /** The registry /metrics writes. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Binds Kafka client metrics (lag, request rates) to the clients a component opens. */
  public KafkaClientListener kafkaClients() {
    return kafkaClients;
  }

  public HoldListener holds() {
    return holds;
  }

  public QueueListener queues() {
    return queues;
  }

  /** resilience4j's metrics of the breaker that sends holds to the database when Redis is down. */
  public void watch(HoldStore holdStore) {
    new TaggedCircuitBreakerMetricsPublisher(meters).publishMetrics(holdStore.redisBreaker());
  }

  public PaymentWorker.Observers paymentWorker() {
    return workers.paymentWorker(kafkaClients);
  }

  public CompensationWorker.CompletionListener compensations() {
    return workers;
  }

  /** HikariCP's own pool gauges (hikaricp_connections_*); a pool accepts this only once. */
  public void watch(HikariDataSource pool) {
    pool.setMetricRegistry(meters);
  }

  /** resilience4j's own metrics of the PG client's circuit breaker, bulkhead and time limiter. */
  public void watch(PaymentGatewayClient gateway) {
    new TaggedCircuitBreakerMetricsPublisher(meters).publishMetrics(gateway.circuitBreaker());
    new TaggedBulkheadMetricsPublisher(meters).publishMetrics(gateway.bulkhead());
    new TaggedTimeLimiterMetricsPublisher(meters).publishMetrics(gateway.timeLimiter());
  }

  /**
   * Kafka Streams' own metrics, its state, and the transactions per status its tasks tally; the
   * returned watch is to be closed before the streams are.
   */
  public AutoCloseable watch(KafkaStreams streams, TxStatusTally tally) {
    StreamsGauges.registerState(streams, registry);
    StreamsGauges.registerTransactionStatus(tally, registry);
    return kafkaClients.streamsCreated(streams);
  }

  /** Refreshes soldout_dependency_up from the health checks in the background until closed. */
  public AutoCloseable probe(HealthService health) {
    return DependencyProbe.start(health, registry, PROBE_EVERY);
  }

  /**
   * Follows payment.tx-state (transitions, time to the end) and payment.dlq (dead letters)
   * with committed records only, each in its own consumer group, so that every instance counts
   * its share of the partitions and the sum over instances is the whole.
   */
  public AutoCloseable follow(String kafka, String applicationId, Topics topics) {
    TopicFollower<?> transitions = new TopicFollower<>(kafka, applicationId + "-metrics",
        topics.txState(), new TransitionMeters(registry), RETRY_PAUSE, kafkaClients).start();
    TopicFollower<?> deadLetters = new TopicFollower<>(kafka, applicationId + "-dlq-metrics",
        topics.dlq().name(), DeadLetterRecord::from, new DeadLetterMeters(registry),
        RETRY_PAUSE, kafkaClients).start();
    return () -> {
      transitions.close();
      deadLetters.close();
    };
  }

  @Override
  public void close() {
    kafkaClients.close();
    meters.close();
  }
}
