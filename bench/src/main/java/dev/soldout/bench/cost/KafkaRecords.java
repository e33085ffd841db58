package dev.soldout.bench.cost;

import dev.soldout.bench.Target;
import dev.soldout.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The records the rush wrote, per topic: end offsets before and after, then the committed
 * records between them read back (offsets alone would count transaction markers too).
 */
public final class KafkaRecords {
  /** Records and bytes of one topic. */
  public record Written(long records, long bytes) {}

  private final Target target;
  private final Topics topics;

  public KafkaRecords(Target target) {
    this.target = target;
    this.topics = Topics.withPrefix(target.topicPrefix());
  }

  /** The topics the topology reads: each record on one is a stream hop. */
  public Set<String> topologySources() {
    return Set.of(topics.paymentTry().name(), topics.seatCommands().name(),
        topics.seatDecisions().name(), topics.paymentSuccess().name(),
        topics.paymentRetry().name(), topics.paymentFailure().name(),
        topics.paymentCancel().name());
  }

  /** End offsets of the deployment's topics and its changelogs. */
  public Map<TopicPartition, Long> endOffsets() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        target.kafkaBootstrap()))) {
      Set<String> payment = topics.all().stream().map(t -> t.name()).collect(Collectors.toSet());
      List<String> mine = admin.listTopics().names().get().stream()
          .filter(name -> payment.contains(name) || (name.startsWith(target.applicationId()
              + "-") && name.endsWith("-changelog")))
          .toList();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(mine).allTopicNames().get().forEach((name, description) ->
          description.partitions().forEach(p ->
              latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    }
  }

  /**
   * The committed records between two snapshots, per topic, sorted by name; each record's topic
   * and value also go to {@code each}.
   */
  public Map<String, Written> between(Map<TopicPartition, Long> before,
      Map<TopicPartition, Long> after, BiConsumer<String, byte[]> each) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.kafkaBootstrap());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    Map<String, long[]> counts = new TreeMap<>();
    try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      after.forEach((tp, end) -> {
        counts.putIfAbsent(tp.topic(), new long[2]);
        if (end > before.getOrDefault(tp, 0L)) {
          parts.add(tp);
        }
      });
      consumer.assign(parts);
      parts.forEach(tp -> consumer.seek(tp, before.getOrDefault(tp, 0L)));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!parts.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() < after.get(tp)) {
            long[] c = counts.get(r.topic());
            c[0]++;
            c[1] += r.value() == null ? 0 : r.value().length;
            each.accept(r.topic(), r.value());
          }
        }
        parts.removeIf(tp -> consumer.position(tp) >= after.get(tp));
        consumer.assign(parts);
      }
    }
    Map<String, Written> written = new LinkedHashMap<>();
    counts.forEach((topic, c) -> written.put(topic, new Written(c[0], c[1])));
    return written;
  }
}
