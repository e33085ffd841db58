package dev.soldout.seats.hold;

/** What Redis says about a seat right now. */
public enum SeatState {
  AVAILABLE,
  HELD,
  SOLD
}
