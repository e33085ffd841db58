package dev.soldout.events;

import java.time.Instant;

/** The seat ledger's answer to a CLAIM, keyed by paymentTxId. */
public record SeatDecision(String paymentTxId, boolean granted, String message, Instant at) {}
