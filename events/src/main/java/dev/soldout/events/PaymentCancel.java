package dev.soldout.events;

import java.time.Instant;

/**
 * A compensation command for a failed transaction, and, once every step is done, its completion
 * (completed = true): release the seat claim and the Redis hold, refund a charge if one exists.
 */
public record PaymentCancel(
    String paymentTxId,
    String holdId,
    String performanceId,
    String seatId,
    long amount,
    FailureReason reason,
    boolean refundNeeded,
    boolean completed,
    Instant at) {}
