package dev.soldout.pg.worker;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, only up to the first record not yet done, so
 * a crash replays every unfinished charge. Confined to the poll thread.
 */
final class OffsetTracker {

  /**
   * One partition's records from poll until done. A partition revoked and assigned again gets a
   * new instance, so completions of the old assignment are recognized and ignored.
   */
  static final class Partition {
    private final TopicPartition topicPartition;
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private final Set<Long> done = new HashSet<>();
    private long position = -1;
    private long committed = -1;

    private Partition(TopicPartition topicPartition) {
      this.topicPartition = topicPartition;
    }

    TopicPartition topicPartition() {
      return topicPartition;
    }

    private void complete(long offset) {
      done.add(offset);
      while (!pending.isEmpty() && done.remove(pending.peekFirst())) {
        position = pending.pollFirst() + 1;
      }
    }
  }

  private final Map<TopicPartition, Partition> partitions = new HashMap<>();

  /** Registers a polled record (offsets arrive in order per partition). */
  Partition track(TopicPartition topicPartition, long offset) {
    Partition partition = partitions.computeIfAbsent(topicPartition, Partition::new);
    partition.pending.addLast(offset);
    return partition;
  }

  boolean isCurrent(Partition partition) {
    return partitions.get(partition.topicPartition) == partition;
  }

  void complete(Partition partition, long offset) {
    if (isCurrent(partition)) {
      partition.complete(offset);
    }
  }

  /** Positions that moved since they were last returned here; they count as committed now. */
  Map<TopicPartition, OffsetAndMetadata> advanced() {
    Map<TopicPartition, OffsetAndMetadata> advanced = new HashMap<>();
    for (Partition partition : partitions.values()) {
      if (partition.position > partition.committed) {
        partition.committed = partition.position;
        advanced.put(partition.topicPartition, new OffsetAndMetadata(partition.position));
      }
    }
    return advanced;
  }

  /** Every known position among {@code topicPartitions}, moved or not. */
  Map<TopicPartition, OffsetAndMetadata> positions(Collection<TopicPartition> topicPartitions) {
    Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
    for (TopicPartition topicPartition : topicPartitions) {
      Partition partition = partitions.get(topicPartition);
      if (partition != null && partition.position >= 0) {
        positions.put(topicPartition, new OffsetAndMetadata(partition.position));
      }
    }
    return positions;
  }

  void forget(Collection<TopicPartition> topicPartitions) {
    topicPartitions.forEach(partitions::remove);
  }
}
