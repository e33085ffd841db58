package dev.soldout.topology;

import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the application's topics (Kafka Streams creates only its internal ones, and not the
 * DLQ). All payment topics share one partition count, as the topology joins them by key.
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  /** Partition count, replication factor and min.insync.replicas of every application topic. */
  public record Layout(int partitions, short replication, int minInsyncReplicas) {}

  private TopicProvisioner() {}

  /** Creates missing topics; returns the names it created. Existing topics are left as they are. */
  public static List<String> ensure(String bootstrapServers, Topics topics, Layout layout)
      throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.all().stream()
          .filter(t -> !existing.contains(t.name()))
          .map(t -> newTopic(topics, t, layout))
          .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
        log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
      }
      return missing.stream().map(NewTopic::name).toList();
    }
  }

  /**
   * A producer that writes to a partition before it has a leader can stall for its whole
   * metadata timeout, so creation is done only once every partition has one. A broker may not
   * know a topic created a moment ago (its metadata arrives later): that is "not yet", too.
   */
  private static void awaitLeaders(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      boolean led;
      try {
        led = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS)
            .values().stream().flatMap(d -> d.partitions().stream())
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        led = false;
      }
      if (led) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("partitions of " + names + " have no leader after 30 s");
      }
      Thread.sleep(50);
    }
  }

  private static NewTopic newTopic(Topics topics, Topic<?, ?> topic, Layout layout) {
    Map<String, String> configs = new HashMap<>();
    configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
        Integer.toString(layout.minInsyncReplicas()));
    configs.put(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false");
    if (topics.isCompacted(topic)) {
      configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    return new NewTopic(topic.name(), layout.partitions(), layout.replication()).configs(configs);
  }
}
