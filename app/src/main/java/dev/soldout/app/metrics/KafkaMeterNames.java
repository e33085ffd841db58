package dev.soldout.app.metrics;

import dev.soldout.events.Topic;
import dev.soldout.events.Topics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps the Kafka metrics that fit the Prometheus conventions {@code promtool check metrics}
 * enforces, so the scrape stays lint-clean and a real finding is not lost among Kafka's, and
 * drops Kafka's deprecated duplicates. Misfits are dropped rather than renamed: Micrometer's
 * Kafka binder looks its meters up by Kafka's names and would register a renamed one again at
 * each refresh. Only meters named {@code kafka.*} are touched.
 */
final class KafkaMeterNames implements MeterFilter {
  /**
   * Kafka-internal timings kept in ns or ms ({@code io-time-ns-total}, {@code start-time-ms}):
   * their values cannot be renamed into seconds without converting them, and the latencies
   * on-call reads (commit, process, request latency) are reported without a unit in the name.
   */
  private static final Pattern ABBREVIATED_UNIT = Pattern.compile("\\.(ns|ms)(\\.|$)");
  /** Gauges such as connection-count, whose name in Prometheus reads as a histogram's count. */
  private static final String COUNT = ".count";

  /**
   * For a topic with a period in its name (payment.try) Kafka also reports every per-topic
   * metric, lag included, under the name with underscores (payment_try), deprecated: kept, it
   * would show each topic's lag twice.
   */
  private final Set<String> deprecatedTopicNames;

  KafkaMeterNames(Topics topics) {
    deprecatedTopicNames = topics.all().stream().map(Topic::name)
        .filter(name -> name.contains(".")).map(name -> name.replace('.', '_'))
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    if (!isKafka(id)) {
      return MeterFilterReply.NEUTRAL;
    }
    String topic = id.getTag("topic");
    boolean deprecated = topic != null && deprecatedTopicNames.contains(topic);
    boolean countGauge = id.getType() == Meter.Type.GAUGE && id.getName().endsWith(COUNT);
    return deprecated || countGauge || ABBREVIATED_UNIT.matcher(id.getName()).find()
        ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    // Kafka leaves some metrics undescribed (per-node request latency); a scrape needs a HELP.
    if (isKafka(id) && (id.getDescription() == null || id.getDescription().isBlank())) {
      return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(),
          "Kafka client metric " + id.getName(), id.getType());
    }
    return id;
  }

  private static boolean isKafka(Meter.Id id) {
    return id.getName().startsWith("kafka.");
  }
}
