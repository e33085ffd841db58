package dev.soldout.topology.saga;

/**
 * An event for a transaction that was never opened. Thrown so that Kafka Streams' processing
 * exception handler sends the record to the DLQ with this reason instead of dropping it silently.
 */
public class UnknownTransactionException extends RuntimeException {
  public UnknownTransactionException(TxEvent event) {
    super("no transaction was opened for " + event.getClass().getSimpleName());
  }
}
