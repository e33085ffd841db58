package dev.soldout.stores;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * The seat ledger's record of one seat: which transaction holds the claim (or bought the seat),
 * and the highest fencing token ever seen for it, which outlives releases so that a token rolled
 * back by a Redis failover is still recognised as stale.
 */
public record SeatClaim(String holderTxId, Status status, long highestToken, Instant updatedAt) {

  public enum Status {
    FREE,
    CLAIMED,
    SOLD
  }

  public static SeatClaim free() {
    return new SeatClaim(null, Status.FREE, 0, null);
  }

  @JsonIgnore
  public boolean isHeldBy(String txId) {
    return status != Status.FREE && txId.equals(holderTxId);
  }
}
