package dev.soldout.seats.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soldout.seats.queue.QueueTokens.Claims;
import dev.soldout.seats.queue.QueueTokens.InvalidTokenException;
import dev.soldout.seats.queue.QueueTokens.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class QueueTokensTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private final QueueTokens tokens = new QueueTokens(SECRET);
  private final Instant now = Instant.parse("2026-05-01T10:00:00Z");
  private final Claims admission = new Claims(Kind.ADMISSION, "perf-1", "fan-1", "7",
      now.plusSeconds(600).toEpochMilli());

  @Test
  void a_signed_token_verifies_to_its_claims_until_it_expires() {
    String token = tokens.sign(admission);

    assertThat(tokens.verify(token, Kind.ADMISSION, now)).isEqualTo(admission);
    assertThatThrownBy(() -> tokens.verify(token, Kind.ADMISSION, now.plusSeconds(600)))
        .isInstanceOf(InvalidTokenException.class)
        .satisfies(e -> assertThat(((InvalidTokenException) e).expired()).isTrue());
  }

  @Test
  void a_token_whose_payload_was_changed_is_refused() {
    String token = tokens.sign(admission);
    String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"k\":\"ADMISSION\",\"p\":\"perf-1\",\"u\":\"fan-2\",\"s\":\"7\",\"x\":"
            + admission.expiresAtMs() + "}").getBytes(StandardCharsets.UTF_8));
    String forged = forgedPayload + token.substring(token.indexOf('.'));

    assertThatThrownBy(() -> tokens.verify(forged, Kind.ADMISSION, now))
        .isInstanceOf(InvalidTokenException.class).hasMessageContaining("signature");
  }

  @Test
  void a_token_signed_with_another_secret_is_refused() {
    QueueTokens other = new QueueTokens("another-secret-of-32-bytes-or-more!!".getBytes(
        StandardCharsets.UTF_8));

    assertThatThrownBy(() -> tokens.verify(other.sign(admission), Kind.ADMISSION, now))
        .isInstanceOf(InvalidTokenException.class).hasMessageContaining("signature");
  }

  @Test
  void a_queue_token_is_not_an_admission() {
    String queueToken = tokens.sign(new Claims(Kind.QUEUE, "perf-1", "fan-1", null,
        now.plusSeconds(60).toEpochMilli()));

    assertThatThrownBy(() -> tokens.verify(queueToken, Kind.ADMISSION, now))
        .isInstanceOf(InvalidTokenException.class).hasMessageContaining("queue token");
  }

  @Test
  void garbage_is_refused_as_malformed_never_with_another_exception() {
    for (String garbage : new String[] {"", "abc", "a.b.c", ".sig", "!!!.###", "e30.e30"}) {
      assertThatThrownBy(() -> tokens.verify(garbage, Kind.ADMISSION, now))
          .as(garbage).isInstanceOf(InvalidTokenException.class);
    }
    assertThatThrownBy(() -> tokens.verify(null, Kind.ADMISSION, now))
        .isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void the_draw_is_fixed_per_fan_and_performance_and_within_zero_and_one() {
    double draw = tokens.draw("perf-1", "fan-1");

    assertThat(draw).isEqualTo(tokens.draw("perf-1", "fan-1")).isBetween(0.0, 1.0).isLessThan(1.0);
    assertThat(tokens.draw("perf-2", "fan-1")).isNotEqualTo(draw);
    assertThat(tokens.draw("perf-1", "fan-2")).isNotEqualTo(draw);
  }

  @Test
  void a_short_secret_is_refused_at_startup() {
    assertThatThrownBy(() -> new QueueTokens(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void polls_are_rare_far_back_and_frequent_near_the_front() {
    assertThat(QueuePolicy.pollAfterMs(0)).isEqualTo(1_000);
    assertThat(QueuePolicy.pollAfterMs(10_000)).isEqualTo(5_000);
    assertThat(QueuePolicy.pollAfterMs(3_600_000)).isEqualTo(60_000);
  }
}
