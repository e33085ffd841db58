package dev.soldout.seats.projection;

import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.events.follow.TopicFollower;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects payment.tx-state into PostgreSQL: {@code payment_transactions} and
 * {@code reservations}, one JDBC batch each per poll, in one database transaction.
 *
 * <p>Idempotent and ordered per transaction: every upsert is guarded by the tx-state version, so
 * a replayed or late state never overwrites a newer one. A confirmation whose seat is already
 * CONFIRMED for another transaction is refused (the partial unique index guarantees it, the
 * {@code NOT EXISTS} guard turns it into a counted refusal instead of a failed batch), logged at
 * ERROR and kept in {@code reservation_conflicts}. The payment row is stored either way: the money
 * moved, and the duplicates runbook must see it.
 */
public class PaymentProjection implements TopicFollower.BatchHandler<TxState> {
  private static final Logger log = LoggerFactory.getLogger(PaymentProjection.class);

  private static final String UPSERT_TX = """
      INSERT INTO payment_transactions (payment_tx_id, status, performance_id, seat_id, user_id,
          hold_id, amount, attempts, pg_charge_id, charged, reason, message, created_at,
          updated_at, version)
      VALUES (:tx, :status, :performance, :seat, :user, :hold, :amount, :attempts, :charge,
          :charged, :reason, :message, :createdAt, :updatedAt, :version)
      ON CONFLICT (payment_tx_id) DO UPDATE SET status = EXCLUDED.status,
          attempts = EXCLUDED.attempts, pg_charge_id = EXCLUDED.pg_charge_id,
          charged = EXCLUDED.charged, reason = EXCLUDED.reason, message = EXCLUDED.message,
          updated_at = EXCLUDED.updated_at, version = EXCLUDED.version, projected_at = now()
      WHERE payment_transactions.version < EXCLUDED.version""";
  /**
   * The repair also rewrites a row of the same version (corrupted), never a newer one, and the
   * columns a state never changes too.
   */
  private static final String REPAIR_TX = UPSERT_TX
      .replace("payment_transactions.version < EXCLUDED",
          "payment_transactions.version <= EXCLUDED")
      .replace("DO UPDATE SET status = EXCLUDED.status,", "DO UPDATE SET status = EXCLUDED.status,"
          + " performance_id = EXCLUDED.performance_id, seat_id = EXCLUDED.seat_id,"
          + " user_id = EXCLUDED.user_id, hold_id = EXCLUDED.hold_id, amount = EXCLUDED.amount,"
          + " created_at = EXCLUDED.created_at,");

  // A CONFIRMED row is only written while no other transaction holds the seat CONFIRMED. Two
  // writers racing past the guard meet the unique index: the batch fails, is retried, and the
  // guard then refuses the loser.
  private static final String UPSERT_RESERVATION = """
      INSERT INTO reservations (payment_tx_id, performance_id, seat_id, user_id, status, version,
          updated_at)
      SELECT :tx::text, :performance::text, :seat::text, :user::text, :status::text,
          :version::bigint, :updatedAt::timestamptz
      WHERE :status::text <> 'CONFIRMED' OR NOT EXISTS (SELECT 1 FROM reservations
          WHERE performance_id = :performance AND seat_id = :seat AND status = 'CONFIRMED'
            AND payment_tx_id <> :tx)
      ON CONFLICT (payment_tx_id) DO UPDATE SET status = EXCLUDED.status,
          version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
      WHERE reservations.version < EXCLUDED.version""";
  private static final String REPAIR_RESERVATION = UPSERT_RESERVATION
      .replace("reservations.version < EXCLUDED", "reservations.version <= EXCLUDED")
      .replace("DO UPDATE SET status = EXCLUDED.status,", "DO UPDATE SET status = EXCLUDED.status,"
          + " performance_id = EXCLUDED.performance_id, seat_id = EXCLUDED.seat_id,"
          + " user_id = EXCLUDED.user_id,");

  private final Jdbi jdbi;
  private final AtomicLong refused = new AtomicLong();

  public PaymentProjection(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The reservation status a transaction status projects to. */
  public static String reservationStatus(TxStatus status) {
    return switch (status) {
      case PENDING -> "PENDING";
      case SUCCESS -> "CONFIRMED";
      case FAILED, CANCELLED -> "CANCELLED";
    };
  }

  /** Confirmations refused since this projection started (each is also in the log and table). */
  public long refusedCount() {
    return refused.get();
  }

  @Override
  public void apply(List<Map.Entry<String, TxState>> batch) {
    // Only the newest state of each transaction matters; the guard would discard the others.
    Map<String, TxState> newest = new LinkedHashMap<>();
    for (var entry : batch) {
      TxState state = entry.getValue();
      if (state != null) {
        newest.merge(state.paymentTxId(), state,
            (a, b) -> b.version() > a.version() ? b : a);
      }
    }
    if (newest.isEmpty()) {
      return;
    }
    write(new ArrayList<>(newest.values()), UPSERT_TX, UPSERT_RESERVATION);
  }

  /**
   * Rewrites the rows of these states (the KTable's, read by the consistency check) where the
   * row's version is not newer: a corrupted row of the same version is fixed, while a row the
   * projection moved past meanwhile is left alone.
   */
  public void repair(List<TxState> states) {
    if (!states.isEmpty()) {
      write(states, REPAIR_TX, REPAIR_RESERVATION);
    }
  }

  private void write(List<TxState> states, String txSql, String reservationSql) {
    List<Refusal> refusals = jdbi.inTransaction(h -> {
      upsertTransactions(h, states, txSql);
      return upsertReservations(h, states, reservationSql);
    });
    // Counted once the transaction committed, and once per refused transaction: neither a
    // retried batch nor a replay counts it again.
    for (Refusal r : refusals) {
      refused.incrementAndGet();
      log.error("DOUBLE SALE refused: seat {}/{} is CONFIRMED for {}, so the confirmation of {}"
          + " (user {}) was not stored as a reservation; see reservation_conflicts and run"
          + " ./soldout duplicates", r.state().performanceId(), r.state().seatId(),
          r.confirmedTx(), r.state().paymentTxId(), r.state().userId());
    }
  }

  private record Refusal(TxState state, String confirmedTx) {}

  private static void upsertTransactions(Handle h, List<TxState> states, String sql) {
    var batch = h.prepareBatch(sql);
    for (TxState s : states) {
      batch.bind("tx", s.paymentTxId()).bind("status", s.status().name())
          .bind("performance", s.performanceId()).bind("seat", s.seatId())
          .bind("user", s.userId()).bind("hold", s.holdId()).bind("amount", s.amount())
          .bind("attempts", s.attempts()).bind("charge", s.pgChargeId())
          .bind("charged", s.charged())
          .bind("reason", s.reason() == null ? null : s.reason().name())
          .bind("message", s.message()).bind("createdAt", s.createdAt())
          .bind("updatedAt", s.updatedAt()).bind("version", s.version()).add();
    }
    batch.execute();
  }

  private static List<Refusal> upsertReservations(Handle h, List<TxState> states,
      String sql) {
    var batch = h.prepareBatch(sql);
    for (TxState s : states) {
      batch.bind("tx", s.paymentTxId()).bind("performance", s.performanceId())
          .bind("seat", s.seatId()).bind("user", s.userId())
          .bind("status", reservationStatus(s.status())).bind("version", s.version())
          .bind("updatedAt", s.updatedAt()).add();
    }
    int[] written = batch.execute();
    List<Refusal> refusals = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) {
      TxState s = states.get(i);
      if (written[i] == 0 && s.status() == TxStatus.SUCCESS) {
        // Nothing written: either a stale version (harmless) or a refusal; only the latter
        // leaves the seat CONFIRMED for another transaction.
        h.createQuery("""
                SELECT payment_tx_id FROM reservations WHERE performance_id = :performance
                  AND seat_id = :seat AND status = 'CONFIRMED' AND payment_tx_id <> :tx""")
            .bind("performance", s.performanceId()).bind("seat", s.seatId())
            .bind("tx", s.paymentTxId()).mapTo(String.class).findOne()
            .ifPresent(other -> refusals.add(new Refusal(s, other)));
      }
    }
    List<Refusal> recorded = new ArrayList<>();
    for (Refusal r : refusals) {
      int inserted = h.createUpdate("""
              INSERT INTO reservation_conflicts (payment_tx_id, performance_id, seat_id, user_id,
                  confirmed_tx_id)
              VALUES (:tx, :performance, :seat, :user, :other) ON CONFLICT DO NOTHING""")
          .bind("tx", r.state().paymentTxId()).bind("performance", r.state().performanceId())
          .bind("seat", r.state().seatId()).bind("user", r.state().userId())
          .bind("other", r.confirmedTx()).execute();
      // A replay of a refusal already recorded is not a new double sale.
      if (inserted == 1) {
        recorded.add(r);
      }
    }
    return recorded;
  }
}
