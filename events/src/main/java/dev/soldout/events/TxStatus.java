package dev.soldout.events;

/** PENDING -> SUCCESS | FAILED; FAILED -> CANCELLED once compensation is done. */
public enum TxStatus {
  PENDING,
  SUCCESS,
  FAILED,
  CANCELLED;

  public boolean isTerminal() {
    return this == SUCCESS || this == CANCELLED;
  }
}
