package dev.soldout.pg.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static final TopicPartition P0 = new TopicPartition("charge", 0);
  private static final TopicPartition P1 = new TopicPartition("charge", 1);
  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void onlyTheContiguousPrefixOfFinishedRecordsIsCommittable() {
    OffsetTracker.Partition p0 = tracker.track(P0, 10);
    tracker.track(P0, 11);
    tracker.track(P0, 14);

    tracker.complete(p0, 11);
    assertThat(tracker.advanced()).isEmpty();

    tracker.complete(p0, 10);
    assertThat(tracker.advanced()).isEqualTo(Map.of(P0, new OffsetAndMetadata(12)));
    assertThat(tracker.advanced()).as("nothing moved since").isEmpty();

    tracker.complete(p0, 14);
    assertThat(tracker.advanced()).isEqualTo(Map.of(P0, new OffsetAndMetadata(15)));
    assertThat(tracker.positions(List.of(P0, P1))).isEqualTo(Map.of(P0, new OffsetAndMetadata(15)));
  }

  @Test
  void partitionsProgressIndependently() {
    OffsetTracker.Partition p0 = tracker.track(P0, 0);
    OffsetTracker.Partition p1 = tracker.track(P1, 5);

    tracker.complete(p1, 5);

    assertThat(tracker.advanced()).isEqualTo(Map.of(P1, new OffsetAndMetadata(6)));
    assertThat(tracker.isCurrent(p0)).isTrue();
  }

  @Test
  void completionsFromBeforeARevocationAreIgnored() {
    OffsetTracker.Partition old = tracker.track(P0, 0);
    tracker.forget(List.of(P0));
    OffsetTracker.Partition reassigned = tracker.track(P0, 0);

    tracker.complete(old, 0);

    assertThat(tracker.isCurrent(old)).isFalse();
    assertThat(tracker.advanced()).isEmpty();
    tracker.complete(reassigned, 0);
    assertThat(tracker.advanced()).isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
  }
}
