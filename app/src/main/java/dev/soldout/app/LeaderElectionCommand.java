package dev.soldout.app;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;

/**
 * {@code ./soldout leader-election [--dry-run]}: the runbook's
 * {@code kafka-leader-election.sh --election-type preferred --all-topic-partitions}. After a
 * node comes back, the partitions it led are led by the others until this (or the brokers'
 * periodic rebalance) hands them back, so load stays skewed meanwhile.
 */
final class LeaderElectionCommand {
  static final String USAGE = """
      usage: ./soldout leader-election [--dry-run]
        moves the leadership of every partition to its preferred replica where that replica
        is in sync; --dry-run lists the partitions not led by their preferred replica.
      Kafka: KAFKA_BOOTSTRAP_SERVERS, else the `./soldout cluster` running from DATA_DIR, else
      the dev stack. Exit codes: 0 done, 1 an election failed, 2 bad usage.""";

  private LeaderElectionCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) {
    if (args.length > 0 && List.of("--help", "-h").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    if (args.length > 1 || args.length == 1 && !args[0].equals("--dry-run")) {
      out.println(USAGE);
      return 2;
    }
    boolean dryRun = args.length == 1;
    String kafka = settings.kafka().or(() -> ClusterCommand.bootstrap(settings))
        .orElse(AppCommand.endpoints(settings).kafka());
    if (kafka == null) {
      out.println("no Kafka: set KAFKA_BOOTSTRAP_SERVERS, or start `./soldout cluster start`");
      return 2;
    }
    try (Admin admin = TopicsCommand.admin(kafka)) {
      List<TopicPartition> notPreferred = notPreferred(admin);
      notPreferred.forEach(tp -> out.println("not led by its preferred replica: " + tp));
      if (dryRun) {
        out.printf("%d partition(s) would move%n", notPreferred.size());
        return 0;
      }
      // null: every partition; those already led by their preferred replica answer
      // ElectionNotNeeded, which is success.
      Map<TopicPartition, Optional<Throwable>> results = admin.electLeaders(
          ElectionType.PREFERRED, null).partitions().get(60, TimeUnit.SECONDS);
      int elected = 0;
      int failed = 0;
      for (var e : results.entrySet()) {
        Throwable error = e.getValue().orElse(null);
        if (error == null) {
          elected++;
          out.println("elected preferred leader of " + e.getKey());
        } else if (!(error instanceof ElectionNotNeededException)) {
          failed++;
          out.println("FAILED " + e.getKey() + ": " + error);
        }
      }
      out.printf("%d leader(s) moved, %d failed, %d still not preferred%n", elected, failed,
          notPreferred(admin).size());
      return failed == 0 ? 0 : 1;
    } catch (Exception e) {
      out.println("failed: " + e);
      return 1;
    }
  }

  private static List<TopicPartition> notPreferred(Admin admin) throws Exception {
    var names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
        .get(30, TimeUnit.SECONDS);
    List<TopicPartition> result = new ArrayList<>();
    admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values()
        .forEach(t -> t.partitions().forEach(p -> {
          if (!p.replicas().isEmpty() && (p.leader() == null
              || p.leader().id() != p.replicas().get(0).id())) {
            result.add(new TopicPartition(t.name(), p.partition()));
          }
        }));
    result.sort(java.util.Comparator.comparing(TopicPartition::toString));
    return result;
  }
}
