package dev.soldout.app;

import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import dev.soldout.topology.TopicProvisioner;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * {@code ./soldout topics create|verify}: the application's topics with the partition count,
 * replication factor and min.insync.replicas of the configuration. Create adds what is missing
 * (TopicProvisioner, as every node does at start) and then verifies; verify only compares, and
 * reports every difference. Kafka never shrinks partitions nor changes a replication factor by
 * itself, so differences are for an operator to decide, not for this command to "fix".
 */
final class TopicsCommand {
  static final String USAGE = """
      usage: ./soldout topics create [--dry-run]
             ./soldout topics verify
        create   creates the missing topics (PARTITIONS, REPLICATION_FACTOR, MIN_INSYNC_REPLICAS,
                 unclean leader election off, payment.tx-state compacted), then verifies
        verify   compares every topic with the configuration and lists each difference
      Exit codes: 0 all as configured, 1 a difference or Kafka failed, 2 bad usage.""";

  private TopicsCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) {
    if (args.length > 0 && List.of("--help", "-h").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    if (args.length == 0 || !List.of("create", "verify").contains(args[0])
        || args.length > 2 || args.length == 2 && !args[1].equals("--dry-run")
        || args[0].equals("verify") && args.length > 1) {
      out.println(USAGE);
      return 2;
    }
    Optional<SoldoutNode.Endpoints> found = AppCommand.require(settings, out,
        AppCommand.Need.KAFKA);
    if (found.isEmpty()) {
      return 2;
    }
    String kafka = found.get().kafka();
    Topics topics = Topics.withPrefix(settings.topicPrefix());
    TopicProvisioner.Layout layout = new TopicProvisioner.Layout(settings.partitions(),
        settings.replicationFactor(), settings.minInsyncReplicas());
    out.printf("Kafka %s, expected: %d partitions, RF %d, min.insync.replicas %d%n", kafka,
        layout.partitions(), layout.replication(), layout.minInsyncReplicas());
    try {
      if (args[0].equals("create")) {
        if (args.length == 2) {
          List<String> missing = missing(kafka, topics);
          missing.forEach(name -> out.println("would create " + name));
          out.printf("%d topic(s) to create%n", missing.size());
          return 0;
        }
        for (String created : TopicProvisioner.ensure(kafka, topics, layout)) {
          out.println("created " + created);
        }
      }
      List<String> differences = verify(kafka, topics, layout);
      differences.forEach(d -> out.println("MISMATCH " + d));
      out.printf("%d topic(s) checked, %d difference(s)%n", topics.all().size(),
          differences.size());
      return differences.isEmpty() ? 0 : 1;
    } catch (Exception e) {
      out.println("failed: " + e);
      return 1;
    }
  }

  private static List<String> missing(String kafka, Topics topics) throws Exception {
    try (Admin admin = admin(kafka)) {
      var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      return topics.all().stream().map(Topic::name).filter(n -> !existing.contains(n)).toList();
    }
  }

  /** One line per difference between the cluster and the configured layout. */
  static List<String> verify(String kafka, Topics topics, TopicProvisioner.Layout layout)
      throws Exception {
    List<String> differences = new ArrayList<>();
    try (Admin admin = admin(kafka)) {
      var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<Topic<?, ?>> present = new ArrayList<>();
      for (Topic<?, ?> topic : topics.all()) {
        if (existing.contains(topic.name())) {
          present.add(topic);
        } else {
          differences.add(topic.name() + ": missing");
        }
      }
      if (present.isEmpty()) {
        return differences;
      }
      Map<String, TopicDescription> described = admin.describeTopics(
          present.stream().map(Topic::name).toList()).allTopicNames().get(30, TimeUnit.SECONDS);
      Map<ConfigResource, Config> configs = admin.describeConfigs(present.stream()
          .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList())
          .all().get(30, TimeUnit.SECONDS);
      for (Topic<?, ?> topic : present) {
        TopicDescription d = described.get(topic.name());
        Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
        int partitions = d.partitions().size();
        int replicas = d.partitions().get(0).replicas().size();
        check(differences, topic.name(), "partitions", partitions, layout.partitions());
        check(differences, topic.name(), "replication factor", replicas, layout.replication());
        check(differences, topic.name(), TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
            c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value(),
            Integer.toString(layout.minInsyncReplicas()));
        check(differences, topic.name(), TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG,
            c.get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG).value(), "false");
        check(differences, topic.name(), TopicConfig.CLEANUP_POLICY_CONFIG,
            c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(), topics.isCompacted(topic)
                ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        // A partition with fewer in-sync replicas than the minimum refuses acks=all writes.
        d.partitions().stream().filter(p -> p.isr().size() < layout.minInsyncReplicas())
            .forEach(p -> differences.add(topic.name() + "-" + p.partition() + ": "
                + p.isr().size() + " in-sync replica(s), fewer than min.insync.replicas "
                + layout.minInsyncReplicas()));
      }
    }
    return differences;
  }

  private static void check(List<String> differences, String topic, String what, Object actual,
      Object expected) {
    if (!String.valueOf(actual).equals(String.valueOf(expected))) {
      differences.add(topic + ": " + what + " " + actual + ", expected " + expected);
    }
  }

  static Admin admin(String kafka) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }
}
