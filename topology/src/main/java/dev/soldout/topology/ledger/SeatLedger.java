package dev.soldout.topology.ledger;

import dev.soldout.events.SeatCommand;
import dev.soldout.events.SeatDecision;
import dev.soldout.stores.SeatClaim;
import dev.soldout.stores.SeatClaim.Status;
import java.time.Instant;

/**
 * The seat ledger's rules as a pure function. Redis holds are only a fast front guard: a failover
 * can lose a hold or roll its token counter back, so the ledger decides from its own record, and
 * the fencing token only adds a check that an older hold can never win.
 */
public final class SeatLedger {
  private SeatLedger() {}

  /** The seat's next record (null if unchanged) and, for a CLAIM, the decision to send back. */
  public record Outcome(SeatClaim next, SeatDecision decision) {}

  public static Outcome apply(SeatClaim current, SeatCommand command, Instant now) {
    SeatClaim seat = current == null ? SeatClaim.free() : current;
    String tx = command.paymentTxId();
    return switch (command.type()) {
      case CLAIM -> claim(seat, command, now);
      case CONFIRM -> seat.status() == Status.CLAIMED && seat.isHeldBy(tx)
          ? new Outcome(new SeatClaim(tx, Status.SOLD, seat.highestToken(), now), null)
          : new Outcome(null, null);
      case RELEASE -> seat.status() == Status.CLAIMED && seat.isHeldBy(tx)
          ? new Outcome(new SeatClaim(null, Status.FREE, seat.highestToken(), now), null)
          : new Outcome(null, null);
    };
  }

  private static Outcome claim(SeatClaim seat, SeatCommand command, Instant now) {
    String tx = command.paymentTxId();
    if (seat.isHeldBy(tx)) {
      return new Outcome(null, granted(tx, now));
    }
    if (seat.status() == Status.SOLD) {
      return new Outcome(null, denied(tx, "the seat is already sold", now));
    }
    if (seat.status() == Status.CLAIMED) {
      return new Outcome(null, denied(tx, "another payment holds the seat", now));
    }
    if (command.fencingToken() <= seat.highestToken()) {
      return new Outcome(null, denied(tx, "stale hold: fencing token " + command.fencingToken()
          + " is not newer than " + seat.highestToken(), now));
    }
    return new Outcome(
        new SeatClaim(tx, Status.CLAIMED, command.fencingToken(), now), granted(tx, now));
  }

  private static SeatDecision granted(String tx, Instant now) {
    return new SeatDecision(tx, true, "seat claimed", now);
  }

  private static SeatDecision denied(String tx, String why, Instant now) {
    return new SeatDecision(tx, false, why, now);
  }
}
