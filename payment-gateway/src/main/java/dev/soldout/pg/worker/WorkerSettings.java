package dev.soldout.pg.worker;

import dev.soldout.events.Topics;
import dev.soldout.events.follow.GroupFailover;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How the payment worker consumes charge requests and schedules retries.
 *
 * @param bootstrapServers Kafka brokers
 * @param groupId consumer group; instances sharing it split the charge partitions
 * @param maxInFlight charges awaiting the PG at once before the worker pauses consumption
 * @param backoffBase wait ceiling after the first failed attempt
 * @param backoffCap wait ceiling for any attempt
 * @param jitter how waits are spread below the ceiling
 * @param closeTimeout how long {@code close()} waits for charges in flight
 * @param topics the topic registry
 */
public record WorkerSettings(
    String bootstrapServers,
    String groupId,
    int maxInFlight,
    Duration backoffBase,
    Duration backoffCap,
    RetryBackoff.Jitter jitter,
    Duration closeTimeout,
    Topics topics) {

  public WorkerSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(topics, "topics");
    if (maxInFlight < 1 || closeTimeout.isNegative()) {
      throw new IllegalArgumentException("need maxInFlight >= 1 and closeTimeout >= 0");
    }
  }

  /**
   * 200 in flight, matching the client's bulkhead so a busy worker pauses its partitions rather
   * than overflowing into BULKHEAD_FULL retries. Backoff 2 s doubling to 60 s with equal jitter:
   * an outage fails hundreds of charges at once, and jitter spreads their retries while the
   * guaranteed half-ceiling keeps them from hammering a PG whose breaker just opened for 5 s.
   * close() waits 10 s, several times the PG's 2.5 s call timeout.
   */
  public static WorkerSettings defaults(String bootstrapServers, Topics topics) {
    return new WorkerSettings(bootstrapServers, "soldout-payment-worker", 200,
        Duration.ofSeconds(2), Duration.ofSeconds(60), RetryBackoff.Jitter.EQUAL,
        Duration.ofSeconds(10), topics);
  }

  Map<String, Object> consumerConfig() {
    Map<String, Object> config = new HashMap<>(GroupFailover.consumerProperties());
    config.putAll(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, groupId,
        // The topology writes charge requests in transactions: never act on an aborted one.
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        // A new group must charge what is already waiting, not only what comes next.
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    return config;
  }

  Map<String, Object> producerConfig() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5);
  }

  public WorkerSettings withGroupId(String group) {
    return new WorkerSettings(bootstrapServers, group, maxInFlight, backoffBase, backoffCap,
        jitter, closeTimeout, topics);
  }

  public WorkerSettings withMaxInFlight(int max) {
    return new WorkerSettings(bootstrapServers, groupId, max, backoffBase, backoffCap, jitter,
        closeTimeout, topics);
  }

  public WorkerSettings withCloseTimeout(Duration timeout) {
    return new WorkerSettings(bootstrapServers, groupId, maxInFlight, backoffBase, backoffCap,
        jitter, timeout, topics);
  }
}
