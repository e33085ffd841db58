package dev.soldout.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.events.SeatKey;
import dev.soldout.events.TxState;
import dev.soldout.events.TxStatus;
import dev.soldout.seats.db.Databases;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.seats.projection.PaymentProjection;
import dev.soldout.seats.redis.RedisConnector;
import dev.soldout.stores.SeatClaim;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code ./soldout consistency}: invariant 6 and its neighbours. Holds everything that is
 * derived from the saga against the saga's own records: the tx-state KTable (payment.tx-state
 * read to its end) is the truth for transactions, the seat ledger (its changelog) for seats. The
 * projection, seat_sales and Redis's sold marks and holds follow them, each with a lag of about a
 * second, so at quiescence every difference is a bug or damage. {@code --repair-projection}
 * rewrites projection rows from the KTable, never over a newer row.
 */
final class ConsistencyCommand {
  static final String USAGE = """
      usage: ./soldout consistency [--repair-projection]
        Compares the tx-state KTable (payment.tx-state), the projection (payment_transactions,
        reservations), the seat ledger (its changelog), seat_sales and Redis (sold marks, holds)
        and prints one line per difference with its kind. Run it at quiescence: in flight, the
        followers lag the KTable by about a second.
        --repair-projection  rewrites the projection rows that differ from the KTable (upserts
                             guarded by version: a row newer than the KTable is left alone),
                             then checks again
      Exit codes: 0 no difference (after the repair, with --repair-projection), 1 differences or
      a store failed, 2 bad usage.""";

  /** One difference: its kind (a stable word for scripts), the transaction or seat, what. */
  record Difference(String kind, String subject, String detail) {
    @Override
    public String toString() {
      return String.format("%-20s %-44s %s", kind, subject, detail);
    }
  }

  private ConsistencyCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) {
    if (args.length > 0 && List.of("--help", "-h").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    boolean repair = false;
    for (String arg : args) {
      if (!arg.equals("--repair-projection")) {
        out.println("unknown option: " + arg);
        out.println(USAGE);
        return 2;
      }
      repair = true;
    }
    Optional<SoldoutNode.Endpoints> known = AppCommand.require(settings, out,
        AppCommand.Need.KAFKA, AppCommand.Need.REDIS, AppCommand.Need.DATABASE);
    if (known.isEmpty()) {
      return 2;
    }
    SoldoutNode.Endpoints endpoints = known.get();
    try (HikariDataSource pool = Databases.pool(endpoints.database().jdbcUrl(),
            endpoints.database().user(), endpoints.database().password(), 2);
        UnifiedJedis redis = RedisConnector.connect(endpoints.redisUrl())) {
      Jdbi jdbi = Databases.jdbi(pool);
      // Redis only (no database): the sold marks and holds as Redis itself has them.
      HoldStore holds = new HoldStore(redis, settings.redisNamespace(),
          settings.holdPolicy().ttl(), Clock.systemUTC());
      SagaRecords saga = SagaRecords.read(endpoints.kafka(), settings);
      out.printf("read %d transaction(s) from the KTable, %d seat(s) from the seat ledger%n",
          saga.states().size(), saga.ledger().size());
      List<Difference> found = compare(saga, ProjectionRows.read(jdbi), holds);
      found.forEach(out::println);
      out.printf("%d difference(s)%n", found.size());
      if (!repair || found.isEmpty()) {
        return found.isEmpty() ? 0 : 1;
      }
      List<TxState> rewrite = found.stream().filter(d -> d.kind().startsWith("PROJECTION_")
              || d.kind().startsWith("RESERVATION_"))
          .map(d -> saga.states().get(d.subject())).filter(Objects::nonNull).distinct().toList();
      new PaymentProjection(jdbi).repair(rewrite);
      out.printf("repair: rewrote the projection of %d transaction(s) from the KTable%n",
          rewrite.size());
      List<Difference> left = compare(saga, ProjectionRows.read(jdbi), holds);
      left.forEach(out::println);
      out.printf("after the repair: %d difference(s)%n", left.size());
      return left.isEmpty() ? 0 : 1;
    } catch (RuntimeException e) {
      out.println("failed: " + e);
      return 1;
    }
  }

  static List<Difference> compare(SagaRecords saga, ProjectionRows rows, HoldStore holds) {
    List<Difference> diffs = new ArrayList<>();
    Map<String, TxState> states = new TreeMap<>(saga.states());
    // Which transaction the KTable says bought each seat; two would break invariant 1.
    Map<String, String> paidBy = new HashMap<>();
    for (TxState s : states.values()) {
      compareProjection(s, rows, diffs);
      if (s.status() == TxStatus.SUCCESS) {
        String other = paidBy.put(s.seat().asString(), s.paymentTxId());
        if (other != null) {
          diffs.add(new Difference("KTABLE_DOUBLE_SALE", s.seat().asString(),
              "both " + other + " and " + s.paymentTxId() + " are SUCCESS"));
        }
      }
    }
    rows.payments().keySet().stream().filter(tx -> !states.containsKey(tx)).sorted()
        .forEach(tx -> diffs.add(new Difference("PROJECTION_ORPHAN", tx,
            "a payment_transactions row the KTable does not know")));
    compareSeats(states, paidBy, saga, rows, holds, diffs);
    return diffs;
  }

  private static void compareProjection(TxState s, ProjectionRows rows, List<Difference> diffs) {
    String tx = s.paymentTxId();
    ProjectionRows.Payment p = rows.payments().get(tx);
    if (p == null) {
      diffs.add(new Difference("PROJECTION_MISSING", tx, "KTable " + s.status() + " v"
          + s.version() + ", no payment_transactions row"));
    } else if (p.version() < s.version()) {
      diffs.add(new Difference("PROJECTION_BEHIND", tx, "row " + p.status() + " v" + p.version()
          + ", KTable " + s.status() + " v" + s.version()));
    } else if (p.version() > s.version()) {
      diffs.add(new Difference("PROJECTION_AHEAD", tx, "row " + p.status() + " v" + p.version()
          + " is newer than the KTable's v" + s.version()));
    } else {
      String fields = differingFields(s, p);
      if (!fields.isEmpty()) {
        diffs.add(new Difference("PROJECTION_DIFFERS", tx, "v" + s.version() + ": " + fields));
      }
    }
    String expected = PaymentProjection.reservationStatus(s.status());
    ProjectionRows.Reservation r = rows.reservations().get(tx);
    // A refused confirmation is kept in reservation_conflicts, not reservations: the
    // duplicates command reports those.
    if (rows.conflicts().contains(tx)) {
      return;
    }
    if (r == null) {
      diffs.add(new Difference("RESERVATION_MISSING", tx, "expected " + expected));
    } else if (!r.status().equals(expected) || !r.performanceId().equals(s.performanceId())
        || !r.seatId().equals(s.seatId())) {
      diffs.add(new Difference("RESERVATION_DIFFERS", tx, r.performanceId() + "/" + r.seatId()
          + " " + r.status() + ", KTable " + s.seat().asString() + " " + expected));
    }
  }

  private static String differingFields(TxState s, ProjectionRows.Payment p) {
    Map<String, String[]> fields = new LinkedHashMap<>();
    fields.put("status", new String[] {s.status().name(), p.status()});
    fields.put("seat", new String[] {s.seat().asString(), p.seat()});
    fields.put("user", new String[] {s.userId(), p.userId()});
    fields.put("amount", new String[] {"" + s.amount(), "" + p.amount()});
    fields.put("attempts", new String[] {"" + s.attempts(), "" + p.attempts()});
    fields.put("charged", new String[] {"" + s.charged(), "" + p.charged()});
    fields.put("pgChargeId", new String[] {s.pgChargeId(), p.pgChargeId()});
    List<String> differing = new ArrayList<>();
    fields.forEach((name, values) -> {
      if (!Objects.equals(values[0], values[1])) {
        differing.add(name + " " + values[1] + " (KTable " + values[0] + ")");
      }
    });
    return String.join(", ", differing);
  }

  private static void compareSeats(Map<String, TxState> states, Map<String, String> paidBy,
      SagaRecords saga, ProjectionRows rows, HoldStore holds, List<Difference> diffs) {
    // The ledger against the KTable: SOLD exactly to the seat's SUCCESS transaction, and a claim
    // only while its transaction is PENDING.
    saga.ledger().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      SeatClaim claim = e.getValue();
      TxState holder = claim.holderTxId() == null ? null : states.get(claim.holderTxId());
      String holderStatus = holder == null ? "unknown" : holder.status().name();
      boolean paid = holder != null && holder.status() == TxStatus.SUCCESS
          && holder.seat().asString().equals(e.getKey());
      if (claim.status() == SeatClaim.Status.SOLD && !paid) {
        diffs.add(new Difference("LEDGER_SOLD_UNPAID", e.getKey(), "SOLD to "
            + claim.holderTxId() + ", which is " + holderStatus));
      } else if (claim.status() == SeatClaim.Status.CLAIMED
          && (holder == null || holder.status() != TxStatus.PENDING)) {
        diffs.add(new Difference("LEDGER_CLAIM_LEFT", e.getKey(), "CLAIMED by "
            + claim.holderTxId() + ", which is " + holderStatus));
      }
    });
    List<String> seats = new ArrayList<>(paidBy.keySet());
    seats.sort(Comparator.naturalOrder());
    for (String seat : seats) {
      String tx = paidBy.get(seat);
      SeatClaim claim = saga.ledger().get(seat);
      if (claim == null || claim.status() != SeatClaim.Status.SOLD
          || !tx.equals(claim.holderTxId())) {
        diffs.add(new Difference("LEDGER_NOT_SOLD", seat, tx + " is SUCCESS, the ledger has "
            + (claim == null ? "nothing" : claim.status() + " " + claim.holderTxId())));
      }
      String sale = rows.sales().get(seat);
      if (!tx.equals(sale)) {
        diffs.add(new Difference("SALE_MISSING", seat, tx + " is SUCCESS, seat_sales has "
            + (sale == null ? "no row" : sale)));
      }
    }
    rows.sales().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .filter(e -> !e.getValue().equals(paidBy.get(e.getKey())))
        .forEach(e -> diffs.add(new Difference("SALE_UNPAID", e.getKey(), "seat_sales names "
            + e.getValue() + ", which is " + statusOf(states, e.getValue()) + " for this seat")));
    // Redis, for every seat a transaction touched: sold to its SUCCESS transaction, or not at all.
    List<String> touched = states.values().stream().map(s -> s.seat().asString()).distinct()
        .sorted().toList();
    List<String> marks = holds.soldInRedis(touched.stream().map(ConsistencyCommand::seatKey)
        .toList());
    for (int i = 0; i < touched.size(); i++) {
      String seat = touched.get(i);
      String mark = marks.get(i);
      String tx = paidBy.get(seat);
      if (tx != null && !tx.equals(mark)) {
        diffs.add(new Difference("REDIS_NOT_SOLD", seat, tx + " is SUCCESS, Redis marks "
            + (mark == null ? "nothing" : mark)));
      } else if (tx == null && mark != null) {
        diffs.add(new Difference("REDIS_SOLD_UNPAID", seat, "Redis marks it sold to " + mark
            + ", which is " + statusOf(states, mark)));
      }
    }
    // A finished transaction's hold is spent (SUCCESS) or released by compensation (CANCELLED).
    for (TxState s : states.values()) {
      if (s.isTerminal() && s.holdId() != null && holds.find(s.holdId()).isPresent()) {
        diffs.add(new Difference("HOLD_LEFT", s.paymentTxId(), "hold " + s.holdId() + " on "
            + s.seat().asString() + " is still live, the transaction is " + s.status()));
      }
    }
  }

  private static String statusOf(Map<String, TxState> states, String tx) {
    TxState s = states.get(tx);
    return s == null ? "unknown to the KTable" : s.status().name();
  }

  private static SeatKey seatKey(String seat) {
    int slash = seat.indexOf('/');
    return new SeatKey(seat.substring(0, slash), seat.substring(slash + 1));
  }
}
