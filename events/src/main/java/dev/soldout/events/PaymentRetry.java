package dev.soldout.events;

import java.time.Instant;

/** A transient PG failure: the attempt that failed, why, and the earliest time to retry. */
public record PaymentRetry(
    String paymentTxId, int attempt, String reason, Instant notBefore, Instant at) {}
