package dev.soldout.seats.hold;

/** The seat cannot be held: someone holds it or it is sold. */
public class HoldRejectedException extends RuntimeException {
  public HoldRejectedException(String message) {
    super(message);
  }
}
