package dev.soldout.stores;

/** Explicit store names: they name the changelog topics, so they must never change silently. */
public final class StoreNames {
  /** paymentTxId -> TxState. Queried by the status API. */
  public static final String TX_STATE = "tx-state";
  /** "dueEpochMillis|paymentTxId" -> next PaymentTry; ordered by due time for range scans. */
  public static final String RETRY_SCHEDULE = "retry-schedule";
  /** "performanceId/seatId" -> SeatClaim. The authority on who owns a seat. */
  public static final String SEAT_LEDGER = "seat-ledger";

  private StoreNames() {}
}
