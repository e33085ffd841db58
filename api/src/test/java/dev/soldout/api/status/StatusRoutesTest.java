package dev.soldout.api.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soldout.api.http.ApiException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatusRoutesTest {
  @Test
  void no_waitMs_means_no_wait() {
    assertThat(StatusRoutes.waitOf(null)).isZero();
    assertThat(StatusRoutes.waitOf("")).isZero();
  }

  @Test
  void waitMs_is_taken_as_given_up_to_30_seconds_and_cut_there() {
    assertThat(StatusRoutes.waitOf("1500")).isEqualTo(Duration.ofMillis(1500));
    assertThat(StatusRoutes.waitOf("30000")).isEqualTo(Duration.ofSeconds(30));
    assertThat(StatusRoutes.waitOf("600000")).isEqualTo(Duration.ofSeconds(30));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "abc", "1.5", "1e3", "99999999999999999999"})
  void any_other_waitMs_is_a_400(String raw) {
    assertThatThrownBy(() -> StatusRoutes.waitOf(raw))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("INVALID_WAIT");
        });
  }
}
