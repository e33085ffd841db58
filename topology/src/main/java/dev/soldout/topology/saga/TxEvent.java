package dev.soldout.topology.saga;

import dev.soldout.events.PaymentCancel;
import dev.soldout.events.PaymentFailure;
import dev.soldout.events.PaymentRetry;
import dev.soldout.events.PaymentSuccess;
import dev.soldout.events.PaymentTry;
import dev.soldout.events.SeatDecision;

/** Everything that can happen to a payment transaction, from every topic that feeds its state. */
public sealed interface TxEvent {
  record Tried(PaymentTry attempt) implements TxEvent {}

  record SeatDecided(SeatDecision decision) implements TxEvent {}

  record Succeeded(PaymentSuccess success) implements TxEvent {}

  record RetryRequested(PaymentRetry retry) implements TxEvent {}

  record Failed(PaymentFailure failure) implements TxEvent {}

  /** Only completions of compensation are events; commands are what this topology emits. */
  record Compensated(PaymentCancel completion) implements TxEvent {}
}
