package dev.soldout.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.events.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class KafkaMeterNamesTest {
  private final MeterRegistry meters = new SimpleMeterRegistry();

  KafkaMeterNamesTest() {
    meters.config().meterFilter(new KafkaMeterNames(Topics.withPrefix("run.")));
  }

  private void gauge(String name, String description, String... tags) {
    Gauge.builder(name, () -> 1).description(description).tags(tags).register(meters);
  }

  @Test
  void the_deprecated_underscore_copy_of_a_topic_metric_is_dropped_and_the_real_one_kept() {
    gauge("kafka.consumer.fetch.manager.records.lag", "lag", "topic", "run.payment.try");
    gauge("kafka.consumer.fetch.manager.records.lag", "lag", "topic", "run_payment_try");

    assertThat(meters.find("kafka.consumer.fetch.manager.records.lag").gauges())
        .extracting(g -> g.getId().getTag("topic")).containsExactly("run.payment.try");
  }

  @Test
  void names_that_promtool_rejects_are_dropped() {
    gauge("kafka.producer.io.time.ns.avg", "ns");
    gauge("kafka.app.info.start.time.ms", "ms");
    gauge("kafka.consumer.connection.count", "connections");
    gauge("kafka.stream.thread.commit.latency.avg", "ms, but not in the name");

    assertThat(meters.getMeters()).extracting(m -> m.getId().getName())
        .containsExactly("kafka.stream.thread.commit.latency.avg");
  }

  @Test
  void a_kafka_metric_without_a_description_gets_one_and_other_meters_are_left_alone() {
    gauge("kafka.producer.node.request.latency.avg", "");
    gauge("payment.count.of.something", "");

    assertThat(meters.get("kafka.producer.node.request.latency.avg").gauge().getId()
        .getDescription()).isEqualTo("Kafka client metric kafka.producer.node.request.latency.avg");
    assertThat(meters.get("payment.count.of.something").gauge().getId().getDescription())
        .isEmpty();
  }
}
