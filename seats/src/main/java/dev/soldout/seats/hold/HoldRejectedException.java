package dev.soldout.seats.hold;

/** The seat cannot be held: someone holds it, it is sold, or the fan has too many holds. */
public class HoldRejectedException extends RuntimeException {
  /** Why the hold was refused; the API answers each differently. */
  public enum Reason {
    HELD,
    SOLD,
    FAN_LIMIT
  }

  private final Reason reason;

  public HoldRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
