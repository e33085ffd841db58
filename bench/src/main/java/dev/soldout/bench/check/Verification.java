package dev.soldout.bench.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.soldout.bench.http.JsonHttp;
import dev.soldout.devstack.Database;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The end of a run, checked three ways: the API's final states against the PG's ledger (the
 * drill's {@link Invariants}), the seat map against the sales, and the SQL projection against
 * the API. Only the bench's fans buy the run's performance, so every sale must be one of theirs.
 */
public final class Verification {
  private final JsonHttp http;
  private final String api;
  private final String pg;
  private final Database database;

  public Verification(JsonHttp http, String api, String pg, Database database) {
    this.http = http;
    this.api = api;
    this.pg = pg;
    this.database = database;
  }

  /**
   * Every violation in words; empty when all hold.
   *
   * @param ledger the PG's charges for the outcomes' transactions, see {@link #ledger}
   */
  public List<String> check(String performanceId, List<Invariants.Outcome> outcomes,
      JsonNode ledger, long projectionWaitMs) throws Exception {
    List<String> violations = new ArrayList<>();
    violations.addAll(Invariants.check(outcomes, ledger));
    violations.addAll(money(outcomes, ledger));
    violations.addAll(converged(performanceId, outcomes, projectionWaitMs));
    return violations;
  }

  /**
   * The PG's charges for these transactions, asked key by key ({@code GET
   * /v1/charges?idempotencyKey=}, all in flight at once): the whole ledger of a stack that has
   * played many rushes outgrew the client's 64 MiB buffer.
   */
  public JsonNode ledger(Collection<String> paymentTxIds) {
    List<CompletableFuture<JsonHttp.Answer>> asked = paymentTxIds.stream()
        .map(tx -> http.get(pg + "/v1/charges?idempotencyKey="
            + URLEncoder.encode(tx, StandardCharsets.UTF_8)))
        .toList();
    ArrayNode charges = JsonNodeFactory.instance.arrayNode();
    asked.forEach(answer -> charges.addAll((ArrayNode) answer.join().body()));
    return charges;
  }

  /** The totals: what the PG kept for the run's payments is what the sold seats cost. */
  private static List<String> money(List<Invariants.Outcome> outcomes, JsonNode ledger) {
    Set<String> txs = new HashSet<>();
    long sold = 0;
    for (Invariants.Outcome o : outcomes) {
      txs.add(o.paymentTxId());
      sold += "SUCCESS".equals(o.status()) ? o.amount() : 0;
    }
    long kept = 0;
    for (JsonNode charge : ledger) {
      if (txs.contains(charge.path("idempotencyKey").asText())
          && "APPROVED".equals(charge.path("status").asText())) {
        kept += charge.path("amount").asLong() - charge.path("refundedAmount").asLong();
      }
    }
    return kept == sold ? List.of()
        : List.of("the PG kept " + kept + " for the run's payments, the sold seats cost " + sold);
  }

  private List<String> seatMap(String performanceId, List<Invariants.Outcome> outcomes) {
    Set<String> soldByApi = new HashSet<>();
    outcomes.stream().filter(o -> "SUCCESS".equals(o.status()))
        .forEach(o -> soldByApi.add(o.seat().substring(o.seat().indexOf('/') + 1)));
    List<String> violations = new ArrayList<>();
    int soldOnMap = 0;
    for (JsonNode seat : http.get(api + "/performances/" + performanceId + "/seats").join()
        .body()) {
      String id = seat.path("seatId").asText();
      boolean sold = "SOLD".equals(seat.path("status").asText());
      soldOnMap += sold ? 1 : 0;
      if (sold != soldByApi.contains(id)) {
        violations.add("seat " + id + " is " + seat.path("status").asText() + " on the seat map"
            + (sold ? " but no payment of the run bought it" : " but a payment bought it"));
      }
    }
    if (soldOnMap != soldByApi.size()) {
      violations.add(soldOnMap + " seats SOLD on the map, " + soldByApi.size() + " payments"
          + " succeeded");
    }
    return violations;
  }

  /**
   * The seat map (sold marks are written once a payment succeeded) and the projection
   * (invariant 6) follow payment.tx-state: they must converge to the API's final states within
   * {@code waitMs}; what still differs then is a violation.
   */
  private List<String> converged(String performanceId, List<Invariants.Outcome> outcomes,
      long waitMs) throws SQLException, InterruptedException {
    long deadline = System.currentTimeMillis() + waitMs;
    List<String> violations;
    do {
      violations = new ArrayList<>(seatMap(performanceId, outcomes));
      violations.addAll(projectionDifferences(performanceId, outcomes));
      if (violations.isEmpty()) {
        return violations;
      }
      Thread.sleep(250);
    } while (System.currentTimeMillis() < deadline);
    return violations.size() <= 20 ? violations : new ArrayList<>(violations.subList(0, 20));
  }

  private List<String> projectionDifferences(String performanceId,
      List<Invariants.Outcome> outcomes) throws SQLException {
    List<String> violations = new ArrayList<>();
    Map<String, String> rows = new HashMap<>();
    try (Connection c = database.connect()) {
      try (PreparedStatement s = c.prepareStatement("SELECT payment_tx_id, status FROM"
          + " payment_transactions WHERE performance_id = ?")) {
        s.setString(1, performanceId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            rows.put(r.getString(1), r.getString(2));
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement("SELECT seat_id FROM reservations"
          + " WHERE performance_id = ? AND status = 'CONFIRMED' GROUP BY seat_id"
          + " HAVING count(*) > 1 UNION ALL SELECT seat_id FROM reservation_conflicts"
          + " WHERE performance_id = ?")) {
        s.setString(1, performanceId);
        s.setString(2, performanceId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            violations.add("projection: seat " + r.getString(1) + " confirmed twice");
          }
        }
      }
    }
    for (Invariants.Outcome o : outcomes) {
      String row = rows.remove(o.paymentTxId());
      if (!o.status().equals(row)) {
        violations.add("projection: " + o.paymentTxId() + " is " + row + ", the API says "
            + o.status());
      }
    }
    rows.keySet().forEach(tx -> violations.add("projection: " + tx + " not accepted by the run"));
    return violations;
  }
}
