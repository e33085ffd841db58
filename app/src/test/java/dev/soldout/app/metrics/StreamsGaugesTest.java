package dev.soldout.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.stores.TxStatusTally;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Gauges read from Kafka Streams answer before and after it runs, never failing the scrape. */
class StreamsGaugesTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();

  private Map<String, Double> gauge(String name) {
    Map<String, Double> values = new HashMap<>();
    for (MetricSnapshot snapshot : registry.scrape(name::equals)) {
      for (GaugeSnapshot.GaugeDataPointSnapshot point
          : ((GaugeSnapshot) snapshot).getDataPoints()) {
        values.put(point.getLabels().getValue(0), point.getValue());
      }
    }
    return values;
  }

  @Test
  void a_streams_instance_that_is_not_running_reports_its_state_and_no_transactions()
      throws Exception {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "gauges-test");
    // Never started, so never connected.
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    config.put(StreamsConfig.STATE_DIR_CONFIG,
        Files.createTempDirectory("streams-gauges").toString());
    KafkaStreams streams = new KafkaStreams(builder.build(), config);
    StreamsGauges.registerState(streams, registry);
    StreamsGauges.registerTransactionStatus(new TxStatusTally(), registry);

    assertThat(gauge("kafka_streams_state")).containsEntry("CREATED", 1.0)
        .containsEntry("RUNNING", 0.0).hasSize(KafkaStreams.State.values().length);
    assertThat(gauge("payment_transactions")).containsOnlyKeys(
        "PENDING", "SUCCESS", "FAILED", "CANCELLED").allSatisfy((status, count) ->
        assertThat(count).isZero());

    streams.close(Duration.ofSeconds(5));

    assertThat(gauge("kafka_streams_state")).containsEntry("NOT_RUNNING", 1.0)
        .containsEntry("CREATED", 0.0);
    assertThat(gauge("payment_transactions")).allSatisfy((status, count) ->
        assertThat(count).isZero());
  }
}
