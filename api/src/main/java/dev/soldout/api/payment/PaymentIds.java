package dev.soldout.api.payment;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The paymentTxId is derived from the fan and the idempotency key, so a replay reaches the same
 * transaction on any instance, after any restart, without a lookup.
 */
public final class PaymentIds {
  private PaymentIds() {}

  public static String of(String userId, String idempotencyKey) {
    byte[] name = (userId + '\u0000' + idempotencyKey).getBytes(StandardCharsets.UTF_8);
    return UUID.nameUUIDFromBytes(name).toString();
  }
}
