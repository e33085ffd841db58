package dev.soldout.app.drill;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract's invariants, checked from the outside: the final state of each transaction as
 * the API reports it, against the PG's own ledger.
 */
public final class Invariants {
  /** What the API said of one transaction at the end. */
  public record Outcome(String paymentTxId, String status, String seat, long amount) {}

  private Invariants() {}

  /** Every violation found, in words; empty when all hold. */
  public static List<String> check(List<Outcome> outcomes, JsonNode ledger) {
    Map<String, Long> netByKey = new HashMap<>();
    Map<String, Integer> chargesByKey = new HashMap<>();
    for (JsonNode charge : ledger) {
      String key = charge.path("idempotencyKey").asText();
      chargesByKey.merge(key, 1, Integer::sum);
      if ("APPROVED".equals(charge.path("status").asText())) {
        netByKey.merge(key,
            charge.path("amount").asLong() - charge.path("refundedAmount").asLong(), Long::sum);
      }
    }
    List<String> violations = new ArrayList<>();
    Map<String, String> soldTo = new HashMap<>();
    for (Outcome o : outcomes) {
      long net = netByKey.getOrDefault(o.paymentTxId(), 0L);
      switch (o.status()) {
        case "SUCCESS" -> {
          if (net != o.amount()) {
            violations.add(o.paymentTxId() + " SUCCESS but charged " + net + " of " + o.amount());
          }
          String other = soldTo.put(o.seat(), o.paymentTxId());
          if (other != null) {
            violations.add("seat " + o.seat() + " sold to " + other + " and " + o.paymentTxId());
          }
        }
        case "CANCELLED" -> {
          if (net != 0) {
            violations.add(o.paymentTxId() + " CANCELLED but " + net + " still charged");
          }
        }
        default -> violations.add(o.paymentTxId() + " is not terminal: " + o.status());
      }
      if (chargesByKey.getOrDefault(o.paymentTxId(), 0) > 1) {
        violations.add(o.paymentTxId() + " has " + chargesByKey.get(o.paymentTxId())
            + " charges at the PG");
      }
    }
    return violations;
  }
}
