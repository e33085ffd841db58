package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.devstack.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** The topics ops command on the tests' broker, under a prefix of its own. */
class TopicsCommandTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private final String prefix = "topics-" + UUID.randomUUID().toString().substring(0, 8) + ".";

  private Settings settings(String partitions) {
    return Settings.fromLayers(Map.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS",
        TestServices.kafkaBootstrap(), "TOPIC_PREFIX", prefix, "PARTITIONS", partitions,
        "DATA_DIR", "target/no-dev-stack"));
  }

  private String output() {
    String text = printed.toString(StandardCharsets.UTF_8);
    printed.reset();
    return text;
  }

  @Test
  void creates_what_is_missing_then_reports_every_difference_with_exit_1() throws Exception {
    assertThat(TopicsCommand.run(settings("2"), new String[] {"verify"}, out)).isEqualTo(1);
    assertThat(output()).contains(prefix + "payment.try: missing", "10 difference(s)");

    assertThat(TopicsCommand.run(settings("2"), new String[] {"create", "--dry-run"}, out))
        .isZero();
    assertThat(output()).contains("would create " + prefix + "payment.dlq",
        "10 topic(s) to create");
    assertThat(TopicsCommand.run(settings("2"), new String[] {"verify"}, out)).isEqualTo(1);
    output();

    assertThat(TopicsCommand.run(settings("2"), new String[] {"create"}, out)).isZero();
    assertThat(output()).contains("created " + prefix + "payment.tx-state",
        "0 difference(s)");
    assertThat(TopicsCommand.run(settings("2"), new String[] {"verify"}, out)).isZero();
    output();

    // Configured for 3 partitions, and an operator raised min.insync.replicas on one topic.
    try (Admin admin = TopicsCommand.admin(TestServices.kafkaBootstrap())) {
      ConfigResource tryTopic = new ConfigResource(ConfigResource.Type.TOPIC,
          prefix + "payment.try");
      admin.incrementalAlterConfigs(Map.of(tryTopic, List.of(new AlterConfigOp(
          new ConfigEntry("min.insync.replicas", "2"), AlterConfigOp.OpType.SET))))
          .all().get(30, TimeUnit.SECONDS);
    }
    assertThat(TopicsCommand.run(settings("3"), new String[] {"verify"}, out)).isEqualTo(1);
    assertThat(output()).contains(prefix + "payment.cancel: partitions 2, expected 3",
        prefix + "payment.try: min.insync.replicas 2, expected 1", "11 difference(s)");
  }

  @Test
  void bad_usage_exits_2_and_help_exits_0() {
    Settings settings = settings("2");
    assertThat(TopicsCommand.run(settings, new String[] {}, out)).isEqualTo(2);
    assertThat(TopicsCommand.run(settings, new String[] {"verify", "--dry-run"}, out))
        .isEqualTo(2);
    assertThat(TopicsCommand.run(settings, new String[] {"fix"}, out)).isEqualTo(2);
    assertThat(TopicsCommand.run(settings, new String[] {"--help"}, out)).isZero();
  }
}
