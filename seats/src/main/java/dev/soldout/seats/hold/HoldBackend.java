package dev.soldout.seats.hold;

import dev.soldout.events.SeatKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where holds are kept: Redis in front, the database when Redis cannot be reached. */
interface HoldBackend {
  /** Holds the seat or throws HoldRejectedException. */
  Hold take(SeatKey seat, String userId, String holdId, Instant now);

  /** The live hold, or empty when it never existed or has expired. */
  Optional<Hold> find(String holdId);

  /** Compare-and-delete: true when this hold still guarded its seat. */
  boolean release(SeatKey seat, String holdId);

  /** Keeps the hold alive while its payment is in flight; false if it is gone. */
  boolean keepAlive(String holdId, Instant now);

  /** The payment ended: the heartbeat no longer extends the hold. */
  void stopKeeping(String holdId);

  /** Extends every hold whose payment is in flight; returns how many. */
  int heartbeat(Instant now);

  /** Live holds taken before {@code heldBefore}, for operators, oldest first. */
  List<Hold> takenBefore(Instant heldBefore, Instant now);
}
