package dev.soldout.app;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * What the SQL side says, read in a few queries for the ops checks: the finance projection
 * (payment_transactions, reservations, reservation_conflicts) and the seat map's seat_sales.
 */
record ProjectionRows(Map<String, Payment> payments, Map<String, Reservation> reservations,
    Set<String> conflicts, Map<String, String> sales) {

  /** One payment_transactions row. */
  record Payment(String tx, String status, String performanceId, String seatId, String userId,
      String holdId, long amount, int attempts, String pgChargeId, boolean charged,
      Instant createdAt, long version) {

    String seat() {
      return performanceId + "/" + seatId;
    }
  }

  /** One reservations row. */
  record Reservation(String tx, String performanceId, String seatId, String status,
      long version) {}

  static ProjectionRows read(Jdbi jdbi) {
    return jdbi.withHandle(h -> {
      Map<String, Payment> payments = new HashMap<>();
      h.createQuery("""
              SELECT payment_tx_id, status, performance_id, seat_id, user_id, hold_id, amount,
                  attempts, pg_charge_id, charged, created_at, version
              FROM payment_transactions""")
          .map((rs, ctx) -> new Payment(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getString(5), rs.getString(6), rs.getLong(7), rs.getInt(8),
              rs.getString(9), rs.getBoolean(10), rs.getTimestamp(11).toInstant(),
              rs.getLong(12)))
          .forEach(p -> payments.put(p.tx(), p));
      Map<String, Reservation> reservations = new HashMap<>();
      h.createQuery("SELECT payment_tx_id, performance_id, seat_id, status, version"
              + " FROM reservations")
          .map((rs, ctx) -> new Reservation(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getLong(5)))
          .forEach(r -> reservations.put(r.tx(), r));
      Set<String> conflicts = new HashSet<>(h.createQuery(
          "SELECT payment_tx_id FROM reservation_conflicts").mapTo(String.class).list());
      Map<String, String> sales = new HashMap<>();
      h.createQuery("SELECT performance_id || '/' || seat_id, payment_tx_id FROM seat_sales")
          .map((rs, ctx) -> List.of(rs.getString(1), rs.getString(2)))
          .forEach(pair -> sales.put(pair.get(0), pair.get(1)));
      return new ProjectionRows(payments, reservations, conflicts, sales);
    });
  }
}
