package dev.soldout.topology;

import dev.soldout.dlq.DeadLetterSettings;
import dev.soldout.events.Topics;
import dev.soldout.events.follow.GroupFailover;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The base Streams configuration, in one place: exactly-once, explicit names, the DLQ. */
public final class StreamsSettings {
  private StreamsSettings() {}

  /**
   * @param applicationId the consumer group and prefix of internal topics
   * @param advertisedUrl host:port other instances use to forward interactive queries
   * @param commitIntervalMs under exactly-once a hop's latency follows the commit interval
   * @param streamThreads stream threads of this instance (the partitions are shared among them)
   * @param replication replication factor of internal topics (1 on the dev broker, 3 in prod)
   */
  public static Properties base(String bootstrapServers, String applicationId, String stateDir,
      String advertisedUrl, long commitIntervalMs, int streamThreads, int replication,
      int standbys, Topics topics) {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedUrl);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replication);
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys);
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    GroupFailover.consumerProperties()
        .forEach((key, value) -> p.put(StreamsConfig.consumerPrefix(key), value));
    p.putAll(DeadLetterSettings.streamsProperties(topics.dlq().name()));
    return p;
  }
}
