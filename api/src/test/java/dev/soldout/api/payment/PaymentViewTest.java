package dev.soldout.api.payment;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soldout.api.status.StatusReader;
import dev.soldout.events.Json;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PaymentViewTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private static TxState state(TxStatus status, Instant nextRetryAt) {
    return new TxState("tx-1", status, "h-1", "p-1", "A-1", "u-1", 100, 1, 2, nextRetryAt, null,
        null, "charging, attempt 2", true, false, NOW, NOW, 3);
  }

  @Test
  void a_pending_answer_says_when_to_ask_again_in_ms_seconds_and_words() {
    PaymentView view = PaymentView.of(state(TxStatus.PENDING, NOW.plusMillis(4_200)), NOW);

    assertThat(view.retryAfterMs()).isEqualTo(4_200);
    assertThat(view.retryAfterSeconds()).isEqualTo(5);
    assertThat(view.message()).startsWith("charging, attempt 2").contains("4200 ms");
  }

  @Test
  void a_final_answer_has_no_retry_hint() {
    PaymentView view = PaymentView.of(state(TxStatus.SUCCESS, null), NOW);

    assertThat(view.retryAfterMs()).isNull();
    assertThat(view.retryAfterSeconds()).isNull();
    assertThat(view.reservation().confirmed()).isTrue();
  }

  @Test
  void a_view_survives_the_forwarded_hop_as_json_with_its_stale_marker() throws Exception {
    ObjectMapper json = Json.mapper();
    PaymentView fresh = PaymentView.of(state(TxStatus.SUCCESS, null), NOW);
    PaymentView stale = PaymentView.of(state(TxStatus.PENDING, null), NOW).staleBy(12);

    String freshJson = json.writeValueAsString(fresh);
    assertThat(freshJson).doesNotContain("stale");
    assertThat(StatusReader.readView(freshJson.getBytes(UTF_8))).isEqualTo(fresh);
    PaymentView back = StatusReader.readView(json.writeValueAsBytes(stale));
    assertThat(back).isEqualTo(stale);
    assertThat(back.servedStale()).isTrue();
    assertThat(back.staleByRecords()).isEqualTo(12);
  }
}
