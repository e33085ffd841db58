package dev.soldout.seats.catalog;

import dev.soldout.events.SeatKey;

public record Seat(String performanceId, String seatId, String label, String section, long price) {
  public SeatKey key() {
    return new SeatKey(performanceId, seatId);
  }
}
