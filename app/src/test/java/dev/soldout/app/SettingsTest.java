package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void the_environment_wins_over_the_file_which_wins_over_the_defaults() {
    Settings settings = Settings.fromLayers(
        Map.of("API_PORT", "8080", "PARTITIONS", "12", "HOLD_TTL_MS", "60000"),
        Map.of("API_PORT", "9090", "UNRELATED", "x"));

    assertThat(settings.apiPort()).isEqualTo(9090);
    assertThat(settings.partitions()).isEqualTo(12);
    assertThat(settings.holdPolicy().ttl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.holdPolicy().holdsPerFan()).isEqualTo(1);
    assertThat(settings.paymentMaxAttempts()).isEqualTo(3);
  }

  @Test
  void empty_endpoints_mean_embedded_and_derived_values_follow_the_port() {
    Settings settings = Settings.fromLayers(Map.of(), Map.of("API_PORT", "7080"));

    assertThat(settings.kafka()).isEmpty();
    assertThat(settings.redis()).isEmpty();
    assertThat(settings.advertisedUrl()).isEqualTo("http://127.0.0.1:7080");
    assertThat(settings.stateDir()).endsWith("streams-7080");
  }

  @Test
  void sentinels_and_a_master_name_win_over_REDIS_URL_as_one_sentinel_target() {
    Settings settings = Settings.fromLayers(Map.of("REDIS_URL", "redis://cache-a:6379"),
        Map.of("REDIS_SENTINELS", "sentinel-a:26379,sentinel-b:26379,sentinel-c:26379",
            "REDIS_MASTER_NAME", "soldout"));

    assertThat(settings.redis()).contains(
        "redis-sentinel://sentinel-a:26379,sentinel-b:26379,sentinel-c:26379/soldout");
  }

  @Test
  void sentinels_without_a_master_name_are_refused_at_startup() {
    assertThatThrownBy(() -> Settings.fromLayers(Map.of(),
        Map.of("REDIS_SENTINELS", "sentinel-a:26379")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REDIS_MASTER_NAME");
    assertThatThrownBy(() -> Settings.fromLayers(Map.of(),
        Map.of("REDIS_SENTINELS", "sentinel-a", "REDIS_MASTER_NAME", "soldout")).redis())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
  }

  @Test
  void one_standby_and_a_1000_record_stale_bound_by_default_both_configurable() {
    Settings defaults = Settings.fromLayers(Map.of(), Map.of());
    Settings set = Settings.fromLayers(Map.of("NUM_STANDBY_REPLICAS", "2"),
        Map.of("STALE_READ_MAX_LAG", "0"));

    assertThat(defaults.numStandbyReplicas()).isEqualTo(1);
    assertThat(defaults.staleReadMaxLag()).isEqualTo(1000);
    assertThat(set.numStandbyReplicas()).isEqualTo(2);
    assertThat(set.staleReadMaxLag()).isZero();
  }

  @Test
  void the_waiting_room_is_off_by_default_with_a_ten_minute_session_and_can_be_turned_on() {
    Settings defaults = Settings.fromLayers(Map.of(), Map.of());
    Settings on = Settings.fromLayers(Map.of("QUEUE_ENABLED", "true"),
        Map.of("QUEUE_ADMIT_PER_SECOND", "250", "QUEUE_TOKEN_SECRET", "s3cret"));

    assertThat(defaults.queueDefaults().enabled()).isFalse();
    assertThat(defaults.queueDefaults().session()).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.queueTokenSecret()).isEmpty();
    assertThat(on.queueDefaults().enabled()).isTrue();
    assertThat(on.queueDefaults().admitPerSecond()).isEqualTo(250);
    assertThat(on.queueTokenSecret()).isEqualTo("s3cret");
    assertThatThrownBy(() -> Settings.fromLayers(Map.of(), Map.of("QUEUE_MAX_ADMITTED", "0")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
