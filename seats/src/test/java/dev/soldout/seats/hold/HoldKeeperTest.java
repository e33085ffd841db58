package dev.soldout.seats.hold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.devstack.TestServices;
import dev.soldout.events.SeatKey;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The hold follows its payment's state, as payment.tx-state tells it, on a real Redis. */
class HoldKeeperTest {
  private static RedisClient redis;
  private final HoldStore holds = new HoldStore(redis, "test:" + UUID.randomUUID() + ":", null,
      new HoldPolicy(Duration.ofMillis(300), 0, Duration.ofSeconds(30)), Clock.systemUTC(),
      HoldListener.NONE);
  private final HoldKeeper keeper = new HoldKeeper(holds);

  @BeforeAll
  static void connect() {
    redis = RedisClient.create(TestServices.redisUrl());
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  private static TxState state(Hold hold, TxStatus status) {
    Instant now = Instant.now();
    return new TxState("tx-" + hold.holdId(), status, hold.holdId(), hold.performanceId(),
        hold.seatId(), hold.userId(), 1000, hold.fencingToken(), 1, null, null, null, null,
        false, false, now, now, 1);
  }

  private void apply(TxState state) {
    keeper.apply(List.of(Map.entry(state.paymentTxId(), state)));
  }

  @Test
  void a_pending_payment_keeps_its_hold_alive_past_the_ttl() throws Exception {
    Hold hold = holds.take(new SeatKey("perf-1", "A-1"), "fan-1");
    Hold idle = holds.take(new SeatKey("perf-1", "A-2"), "fan-2");

    apply(state(hold, TxStatus.PENDING));
    for (int beat = 0; beat < 8; beat++) {
      Thread.sleep(100);
      holds.heartbeat();
    }

    assertThat(holds.find(hold.holdId())).isPresent();
    assertThat(holds.find(idle.holdId())).isEmpty();
  }

  @Test
  void a_successful_payment_sells_the_seat_and_spends_the_hold() {
    SeatKey seat = new SeatKey("perf-1", "A-3");
    Hold hold = holds.take(seat, "fan-1");

    apply(state(hold, TxStatus.PENDING));
    apply(state(hold, TxStatus.SUCCESS));
    apply(state(hold, TxStatus.SUCCESS));

    assertThat(holds.find(hold.holdId())).isEmpty();
    assertThat(holds.states(List.of(seat))).containsExactly(SeatState.SOLD);
  }

  @Test
  void a_failed_payment_stops_the_heartbeat_so_the_hold_lapses() throws Exception {
    Hold hold = holds.take(new SeatKey("perf-1", "A-4"), "fan-1");
    apply(state(hold, TxStatus.PENDING));
    apply(state(hold, TxStatus.FAILED));

    for (int beat = 0; beat < 8; beat++) {
      Thread.sleep(100);
      holds.heartbeat();
    }

    assertThat(holds.find(hold.holdId())).isEmpty();
  }
}
