package dev.soldout.pg.sandbox;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The sandbox PG's books: at most one charge per idempotency key, refunds at most once.
 * One lock guards everything; the sandbox is for tests and benchmarks, and an uncontended monitor
 * costs far less than the HTTP round trip around it.
 */
public final class ChargeLedger {
  static final String DECLINE_REASON = "CARD_DECLINED";

  /** A charge and whether it was already there (a replay of its idempotency key). */
  public record Recorded(Charge charge, boolean replay) {}

  private final Map<String, Charge> byKey = new LinkedHashMap<>();
  private final Map<String, String> keyByChargeId = new HashMap<>();
  private final Clock clock;
  private long sequence;

  public ChargeLedger() {
    this(Clock.systemUTC());
  }

  public ChargeLedger(Clock clock) {
    this.clock = clock;
  }

  /**
   * Charges once per key. {@code declines} is consulted only when the key is new, so a replay
   * always answers the first decision. Reusing a key for another amount or user is a 409.
   */
  public synchronized Recorded charge(
      String idempotencyKey, long amount, String userId, BooleanSupplier declines) {
    Charge existing = byKey.get(idempotencyKey);
    if (existing != null && existing.status() == Charge.Status.VOIDED) {
      return new Recorded(existing, true);
    }
    if (existing != null) {
      if (existing.amount() != amount || !existing.userId().equals(userId)) {
        throw new SandboxError(409, "IDEMPOTENCY_KEY_REUSED",
            "idempotencyKey " + idempotencyKey + " was used for another amount or user");
      }
      return new Recorded(existing, true);
    }
    boolean declined = declines.getAsBoolean();
    Charge charge = new Charge(String.format("ch_%08d", ++sequence), idempotencyKey, userId,
        amount, 0, declined ? Charge.Status.DECLINED : Charge.Status.APPROVED,
        declined ? DECLINE_REASON : null, clock.instant());
    byKey.put(idempotencyKey, charge);
    keyByChargeId.put(charge.chargeId(), idempotencyKey);
    return new Recorded(charge, false);
  }

  /** Refunds the whole amount; refunding again changes nothing. */
  public synchronized Charge refund(String chargeId) {
    String key = keyByChargeId.get(chargeId);
    if (key == null) {
      throw new SandboxError(404, "CHARGE_NOT_FOUND", "no charge " + chargeId);
    }
    Charge charge = byKey.get(key);
    if (charge.status() != Charge.Status.APPROVED) {
      throw new SandboxError(409, "CHARGE_NOT_APPROVED",
          "charge " + chargeId + " is " + charge.status());
    }
    Charge refunded = charge.fullyRefunded();
    byKey.put(key, refunded);
    return refunded;
  }

  /**
   * Voids the payment under an idempotency key, whatever the order of arrival: an approved
   * charge is refunded, and a key not charged yet is closed so that a charge still on its way
   * (its answer lost to a timeout) is refused when it lands. This is what lets compensation
   * give money back without racing the charge it compensates.
   */
  public synchronized Charge voidKey(String idempotencyKey) {
    Charge existing = byKey.get(idempotencyKey);
    if (existing == null) {
      Charge voided = new Charge(String.format("ch_%08d", ++sequence), idempotencyKey, null, 0,
          0, Charge.Status.VOIDED, null, clock.instant());
      byKey.put(idempotencyKey, voided);
      keyByChargeId.put(voided.chargeId(), idempotencyKey);
      return voided;
    }
    if (existing.status() == Charge.Status.APPROVED) {
      Charge refunded = existing.fullyRefunded();
      byKey.put(idempotencyKey, refunded);
      return refunded;
    }
    return existing;
  }

  public synchronized Optional<Charge> byIdempotencyKey(String idempotencyKey) {
    return Optional.ofNullable(byKey.get(idempotencyKey));
  }

  /** Every charge in the order it was made. */
  public synchronized List<Charge> all() {
    return List.copyOf(byKey.values());
  }
}
