package dev.soldout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LagSamplerTest {
  @Test
  void sums_every_partitions_records_lag_and_skips_the_max_and_unassigned() {
    String page = """
        # TYPE kafka_consumer_fetch_manager_records_lag gauge
        kafka_consumer_fetch_manager_records_lag{client_id="a",partition="0",topic="payment.try"} 12.0
        kafka_consumer_fetch_manager_records_lag{client_id="b",partition="1",topic="payment.try"} NaN
        kafka_consumer_fetch_manager_records_lag_max{client_id="a"} 99.0
        kafka_consumer_fetch_manager_records_lag{client_id="c",partition="2",topic="payment.charge"} 30.0
        """;
    assertThat(LagSampler.sum(page)).isEqualTo(42);
  }
}
