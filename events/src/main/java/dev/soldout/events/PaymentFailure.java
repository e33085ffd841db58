package dev.soldout.events;

import java.time.Instant;

/** A permanent failure of the transaction. */
public record PaymentFailure(
    String paymentTxId, int attempt, FailureReason reason, String message, Instant at) {}
