package dev.soldout.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Verified tokens are remembered, but never past their expiry. */
class FanTokensTest {
  /** No clock skew allowed; dev tokens live 2 s. */
  private final FanTokens tokens = new FanTokens(new AuthSettings(
      "fan-tokens-test-secret-of-at-least-32-bytes", null, null, "soldout", "soldout-api",
      Duration.ZERO, true, Duration.ofSeconds(2)), Clock.systemUTC());

  @Test
  void a_token_verified_before_is_refused_once_it_expired() throws Exception {
    String token = tokens.mint("fan-1").token();
    assertThat(tokens.verify(token)).isEqualTo("fan-1");
    assertThat(tokens.verify(token)).as("remembered").isEqualTo("fan-1");

    Thread.sleep(2_500);

    assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void a_remembered_token_does_not_make_an_altered_one_valid() throws Exception {
    String token = tokens.mint("fan-1").token();
    tokens.verify(token);
    String altered = token.substring(0, token.length() - 2)
        + (token.endsWith("AA") ? "BB" : "AA");

    assertThatThrownBy(() -> tokens.verify(altered)).isInstanceOf(InvalidTokenException.class);
  }
}
