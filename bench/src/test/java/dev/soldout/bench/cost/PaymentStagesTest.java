package dev.soldout.bench.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaymentStagesTest {
  private final Topics topics = Topics.withPrefix("");
  private final PaymentStages stages = new PaymentStages(topics);

  private void record(String topic, String json) {
    stages.accept(topic, json.getBytes(StandardCharsets.UTF_8));
  }

  /** A record of the payment with these fields and its time at {@code ms} past 00:00:00. */
  private void record(String topic, String tx, String fields, String timeField, int ms) {
    record(topic, String.format("{\"paymentTxId\":\"%s\",%s,\"%s\":"
        + "\"2026-11-25T00:00:00.%03dZ\"}", tx, fields, timeField, ms));
  }

  /** The records of one payment whose stages took 10, 100, 110, 150 and 20 ms. */
  private void payment(String tx) {
    record("payment.try", tx, "\"attempt\":1", "requestedAt", 0);
    record("payment.tx-state", tx, "\"status\":\"PENDING\"", "updatedAt", 10);
    record("payment.seat-commands", tx, "\"type\":\"CLAIM\"", "at", 10);
    record("payment.seat-decisions", tx, "\"granted\":true", "at", 110);
    record("payment.charge", tx, "\"attempt\":1", "requestedAt", 220);
    record("payment.success", tx, "\"attempt\":1", "at", 370);
    record("payment.seat-commands", tx, "\"type\":\"CONFIRM\"", "at", 390);
    record("payment.tx-state", tx, "\"status\":\"SUCCESS\"", "updatedAt", 390);
  }

  private Map<String, Object> stage(String name) {
    @SuppressWarnings("unchecked")
    Map<String, Object> stage = (Map<String, Object>) stages.summary().get(name);
    return stage;
  }

  @Test
  void each_stage_is_the_time_between_two_hops_records() {
    payment("tx-1");
    payment("tx-2");

    assertThat(stage("accepted -> seat claim sent")).containsEntry("count", 2)
        .containsEntry("p50Ms", 10.0);
    assertThat(stage("claim sent -> seat decided")).containsEntry("p50Ms", 100.0);
    assertThat(stage("decided -> charge asked")).containsEntry("p50Ms", 110.0);
    assertThat(stage("charge asked -> PG success")).containsEntry("p50Ms", 150.0);
    assertThat(stage("PG success -> final state")).containsEntry("p50Ms", 20.0);
    assertThat(stage("total")).containsEntry("p99Ms", 390.0);
  }

  @Test
  void a_payment_missing_a_stage_and_records_that_mark_none_are_left_out() {
    payment("tx-1");
    record("payment.try", "tx-2", "\"attempt\":1", "requestedAt", 500);
    record("payment.dlq", "not json");
    stages.accept("payment.tx-state", null);

    assertThat(stage("total")).containsEntry("count", 1);
  }
}
