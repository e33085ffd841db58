package dev.soldout.events;

/** A seat of one performance: the unit that is held, claimed and sold. */
public record SeatKey(String performanceId, String seatId) {

  /** The string form used as a Kafka key and a Redis key suffix. */
  public String asString() {
    return performanceId + "/" + seatId;
  }
}
