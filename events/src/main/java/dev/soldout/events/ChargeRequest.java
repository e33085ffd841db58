package dev.soldout.events;

import java.time.Instant;

/** The topology asks the payment worker to charge once the seat is claimed for this attempt. */
public record ChargeRequest(
    String paymentTxId, String userId, long amount, int attempt, Instant requestedAt) {}
