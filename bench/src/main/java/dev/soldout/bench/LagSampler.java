package dev.soldout.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer lag over the run: every second, summed over every consumer group of the application
 * (the topology's, the workers', the projection's, the metrics followers') and their partitions,
 * the committed records not yet committed by the group, read from the broker with the admin
 * client. The app is not asked: scraping its /metrics once a second cost the instance 13 % of
 * its CPU in the rush being measured.
 */
final class LagSampler implements AutoCloseable {
  private final Admin admin;
  private final String groupPrefix;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-lag"));
  private final List<long[]> samples = new ArrayList<>();
  /** Each group's largest lag seen: which consumer fell behind. */
  private final Map<String, Long> maxByGroup = new TreeMap<>();
  private final long start;

  LagSampler(String kafkaBootstrap, String applicationId, long start) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000));
    this.groupPrefix = applicationId;
    this.start = start;
    timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  private void sample() {
    try {
      long lag = lag();
      synchronized (samples) {
        samples.add(new long[] {(System.nanoTime() - start) / 1_000_000, lag});
      }
    } catch (Exception unanswered) {
      // A missed sample is a gap in the series, not a failed run.
    }
  }

  private long lag() throws Exception {
    Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
    for (GroupListing group : admin.listGroups().all().get()) {
      if (group.groupId().startsWith(groupPrefix)) {
        groups.put(group.groupId(), new ListConsumerGroupOffsetsSpec());
      }
    }
    Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup =
        admin.listConsumerGroupOffsets(groups).all().get();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    byGroup.values().forEach(offsets -> offsets.keySet()
        .forEach(p -> latest.put(p, OffsetSpec.latest())));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
    long lag = 0;
    for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> group : byGroup.entrySet()) {
      long groupLag = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : group.getValue().entrySet()) {
        if (e.getValue() != null && ends.containsKey(e.getKey())) {
          groupLag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
        }
      }
      synchronized (samples) {
        maxByGroup.merge(group.getKey(), groupLag, Math::max);
      }
      lag += groupLag;
    }
    return lag;
  }

  Map<String, Object> summary() {
    synchronized (samples) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("samples", samples.size());
      s.put("maxRecords", samples.stream().mapToLong(x -> x[1]).max().orElse(0));
      s.put("meanRecords", Math.round(samples.stream().mapToLong(x -> x[1]).average()
          .orElse(0)));
      s.put("lastRecords", samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[1]);
      s.put("maxRecordsByGroup", new TreeMap<>(maxByGroup));
      List<List<Long>> series = new ArrayList<>();
      samples.forEach(x -> series.add(List.of(x[0], x[1])));
      s.put("seriesMsRecords", series);
      return s;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(Duration.ofSeconds(2));
  }
}
