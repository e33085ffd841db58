package dev.soldout.topology.ledger;

import static dev.soldout.events.SeatCommand.Type.CLAIM;
import static dev.soldout.events.SeatCommand.Type.CONFIRM;
import static dev.soldout.events.SeatCommand.Type.RELEASE;
import static dev.soldout.topology.PaymentFixtures.T0;
import static dev.soldout.topology.PaymentFixtures.seatCommand;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.events.SeatCommand;
import dev.soldout.stores.SeatClaim;
import dev.soldout.stores.SeatClaim.Status;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SeatLedgerTest {
  static final String SEAT = "B-7";
  static final Instant NOW = T0.plusSeconds(3);

  static SeatLedger.Outcome apply(SeatClaim seat, SeatCommand.Type type, String tx, long token) {
    return SeatLedger.apply(seat, seatCommand(type, tx, SEAT, token), NOW);
  }

  static SeatClaim claimed(String tx, long token) {
    return new SeatClaim(tx, Status.CLAIMED, token, T0);
  }

  static SeatClaim sold(String tx, long token) {
    return new SeatClaim(tx, Status.SOLD, token, T0);
  }

  @Test
  void a_free_seat_is_claimed_by_the_first_tx_with_its_fencing_token() {
    var out = apply(null, CLAIM, "tx-a", 4);
    assertThat(out.next()).isEqualTo(new SeatClaim("tx-a", Status.CLAIMED, 4, NOW));
    assertThat(out.decision().paymentTxId()).isEqualTo("tx-a");
    assertThat(out.decision().granted()).isTrue();
    assertThat(out.decision().at()).isEqualTo(NOW);
  }

  @Test
  void an_explicitly_free_record_behaves_like_a_missing_one() {
    var out = apply(SeatClaim.free(), CLAIM, "tx-a", 1);
    assertThat(out.next().status()).isEqualTo(Status.CLAIMED);
    assertThat(out.decision().granted()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 1, 99})
  void a_duplicate_claim_by_the_holder_is_granted_again_without_a_change(long token) {
    var out = apply(claimed("tx-a", 4), CLAIM, "tx-a", token);
    assertThat(out.next()).isNull();
    assertThat(out.decision().granted()).isTrue();
  }

  @Test
  void the_buyer_claiming_its_sold_seat_again_is_granted_without_a_change() {
    var out = apply(sold("tx-a", 4), CLAIM, "tx-a", 4);
    assertThat(out.next()).isNull();
    assertThat(out.decision().granted()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4, 5, 1_000})
  void another_tx_is_denied_while_the_seat_is_claimed_whatever_its_token(long token) {
    var out = apply(claimed("tx-a", 4), CLAIM, "tx-b", token);
    assertThat(out.next()).isNull();
    assertThat(out.decision().paymentTxId()).isEqualTo("tx-b");
    assertThat(out.decision().granted()).isFalse();
    assertThat(out.decision().message()).contains("another payment");
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4, 5, 1_000})
  void another_tx_is_denied_once_the_seat_is_sold_whatever_its_token(long token) {
    var out = apply(sold("tx-a", 4), CLAIM, "tx-b", token);
    assertThat(out.next()).isNull();
    assertThat(out.decision().granted()).isFalse();
    assertThat(out.decision().message()).contains("sold");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 8, 9})
  void a_stale_or_equal_fencing_token_is_denied_after_a_release(long token) {
    SeatClaim released = apply(claimed("tx-a", 9), RELEASE, "tx-a", 9).next();
    var out = apply(released, CLAIM, "tx-b", token);
    assertThat(out.next()).isNull();
    assertThat(out.decision().granted()).isFalse();
    assertThat(out.decision().message()).contains("stale").contains(Long.toString(token));
  }

  @Test
  void the_released_holder_cannot_come_back_with_its_own_token() {
    SeatClaim released = apply(claimed("tx-a", 9), RELEASE, "tx-a", 9).next();
    assertThat(apply(released, CLAIM, "tx-a", 9).decision().granted()).isFalse();
  }

  @Test
  void a_newer_token_wins_a_released_seat() {
    SeatClaim released = apply(claimed("tx-a", 9), RELEASE, "tx-a", 9).next();
    var out = apply(released, CLAIM, "tx-b", 10);
    assertThat(out.decision().granted()).isTrue();
    assertThat(out.next()).isEqualTo(new SeatClaim("tx-b", Status.CLAIMED, 10, NOW));
  }

  @Test
  void a_token_not_newer_than_zero_is_stale_even_on_a_never_used_seat() {
    assertThat(apply(null, CLAIM, "tx-a", 0).decision().granted()).isFalse();
  }

  @Test
  void confirm_by_the_holder_sells_the_seat() {
    var out = apply(claimed("tx-a", 4), CONFIRM, "tx-a", 4);
    assertThat(out.next()).isEqualTo(new SeatClaim("tx-a", Status.SOLD, 4, NOW));
    assertThat(out.decision()).isNull();
  }

  @Test
  void release_by_the_holder_frees_the_seat_and_keeps_the_highest_token() {
    var out = apply(claimed("tx-a", 4), RELEASE, "tx-a", 4);
    assertThat(out.next()).isEqualTo(new SeatClaim(null, Status.FREE, 4, NOW));
    assertThat(out.decision()).isNull();
  }

  @ParameterizedTest
  @EnumSource(value = SeatCommand.Type.class, names = {"CONFIRM", "RELEASE"})
  void confirm_or_release_by_a_non_holder_changes_nothing(SeatCommand.Type type) {
    for (SeatClaim seat : new SeatClaim[] {null, SeatClaim.free(), claimed("tx-a", 4),
        sold("tx-a", 4), new SeatClaim(null, Status.FREE, 4, T0)}) {
      var out = apply(seat, type, "tx-b", 5);
      assertThat(out.next()).as("%s on %s", type, seat).isNull();
      assertThat(out.decision()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(value = SeatCommand.Type.class, names = {"CONFIRM", "RELEASE"})
  void a_sold_seat_is_final_even_for_its_buyer(SeatCommand.Type type) {
    var out = apply(sold("tx-a", 4), type, "tx-a", 4);
    assertThat(out.next()).isNull();
    assertThat(out.decision()).isNull();
  }

  @Test
  void a_confirm_after_a_release_sells_nothing() {
    SeatClaim released = apply(claimed("tx-a", 4), RELEASE, "tx-a", 4).next();
    assertThat(apply(released, CONFIRM, "tx-a", 4).next()).isNull();
  }

  @Test
  void a_full_life_claim_release_reclaim_sell_keeps_one_owner() {
    SeatClaim seat = apply(null, CLAIM, "tx-a", 1).next();
    seat = apply(seat, RELEASE, "tx-a", 1).next();
    seat = apply(seat, CLAIM, "tx-b", 2).next();
    assertThat(apply(seat, CLAIM, "tx-c", 3).decision().granted()).isFalse();
    seat = apply(seat, CONFIRM, "tx-b", 2).next();
    assertThat(seat).isEqualTo(new SeatClaim("tx-b", Status.SOLD, 2, NOW));
    assertThat(seat.isHeldBy("tx-b")).isTrue();
    assertThat(seat.isHeldBy("tx-a")).isFalse();
  }
}
