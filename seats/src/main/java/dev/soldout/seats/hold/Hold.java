package dev.soldout.seats.hold;

import dev.soldout.events.SeatKey;
import java.time.Instant;

/** A fan's temporary right to buy one seat, guarded with a TTL and a fencing token. */
public record Hold(
    String holdId, String performanceId, String seatId, String userId, long fencingToken,
    Instant heldAt, Instant expiresAt) {

  public SeatKey seat() {
    return new SeatKey(performanceId, seatId);
  }
}
