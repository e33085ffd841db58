package dev.soldout.seats.hold;

import dev.soldout.events.SeatKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sold seats in PostgreSQL, projected from successful payments. Recording a sale twice is
 * harmless, so replays are safe; a second transaction selling the same seat is refused by the
 * primary key and reported loudly, never stored silently.
 */
public class SeatSales {
  private static final Logger log = LoggerFactory.getLogger(SeatSales.class);

  /** One sold seat. */
  public record Sale(SeatKey seat, String paymentTxId, String userId, Instant soldAt) {}

  private final Jdbi jdbi;

  public SeatSales(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Records the sales in one batch; returns those refused because another tx sold the seat. */
  public List<Sale> record(List<Sale> sales) {
    if (sales.isEmpty()) {
      return List.of();
    }
    int[] inserted = jdbi.withHandle(h -> {
      var batch = h.prepareBatch("""
          INSERT INTO seat_sales (performance_id, seat_id, payment_tx_id, user_id, sold_at)
          VALUES (:performance, :seat, :tx, :user, :soldAt)
          ON CONFLICT DO NOTHING""");
      for (Sale sale : sales) {
        batch.bind("performance", sale.seat().performanceId()).bind("seat", sale.seat().seatId())
            .bind("tx", sale.paymentTxId()).bind("user", sale.userId())
            .bind("soldAt", sale.soldAt()).add();
      }
      return batch.execute();
    });
    List<Sale> refused = new ArrayList<>();
    for (int i = 0; i < sales.size(); i++) {
      if (inserted[i] == 0 && !soldBy(sales.get(i))) {
        refused.add(sales.get(i));
        log.error("seat {} sold twice: {} was refused, the seat is already sold to another"
            + " transaction", sales.get(i).seat().asString(), sales.get(i).paymentTxId());
      }
    }
    return refused;
  }

  private boolean soldBy(Sale sale) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM seat_sales"
            + " WHERE performance_id = :performance AND seat_id = :seat AND payment_tx_id = :tx")
        .bind("performance", sale.seat().performanceId()).bind("seat", sale.seat().seatId())
        .bind("tx", sale.paymentTxId()).mapTo(Long.class).one()) > 0;
  }

  /** Every sale, to put Redis's sold marks back after it lost them. */
  public List<Sale> all() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT performance_id, seat_id, payment_tx_id, user_id, sold_at FROM seat_sales")
        .map((rs, ctx) -> new Sale(new SeatKey(rs.getString("performance_id"),
            rs.getString("seat_id")), rs.getString("payment_tx_id"), rs.getString("user_id"),
            rs.getTimestamp("sold_at").toInstant()))
        .list());
  }

  /** Seat ids of the performance that are sold. */
  public Set<String> soldSeats(String performanceId) {
    return jdbi.withHandle(h -> new HashSet<>(h.createQuery(
            "SELECT seat_id FROM seat_sales WHERE performance_id = :performance")
        .bind("performance", performanceId).mapTo(String.class).list()));
  }
}
