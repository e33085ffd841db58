package dev.soldout.app;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A keyed topic read as a table, as it is now: every partition from the beginning to its last
 * stable offset, committed records only (the topology writes under exactly-once, so an aborted
 * state must never be taken for the truth), the last value per key, a tombstone removing it. No
 * consumer group: reading never moves anybody's offsets.
 */
final class TopicSnapshot {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private TopicSnapshot() {}

  static <K, V> Map<K, V> read(String kafka, String topic, Deserializer<K> keys,
      Deserializer<V> values) {
    Map<K, V> table = new LinkedHashMap<>();
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000), keys, values)) {
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("no topic " + topic);
      }
      List<TopicPartition> partitions =
          infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " up to " + end
              + " within " + READ_TIMEOUT.toSeconds() + " s");
        }
        for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() == null) {
            table.remove(record.key());
          } else {
            table.put(record.key(), record.value());
          }
        }
      }
    }
    return table;
  }
}
