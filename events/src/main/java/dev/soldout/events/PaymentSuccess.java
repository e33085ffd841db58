package dev.soldout.events;

import java.time.Instant;

/** The PG approved the charge for the transaction (idempotency key = paymentTxId). */
public record PaymentSuccess(
    String paymentTxId, int attempt, String pgChargeId, long amount, Instant at) {}
