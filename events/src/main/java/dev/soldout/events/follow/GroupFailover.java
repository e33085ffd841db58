package dev.soldout.events.follow;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Group timeouts shared by every consumer of the app (Streams, payment worker, followers): a
 * crashed instance's partitions move after 10 s instead of Kafka's default 45 s, during which
 * its payments would wait.
 */
public final class GroupFailover {
  private GroupFailover() {}

  public static Map<String, Object> consumerProperties() {
    return Map.of(
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
  }
}
