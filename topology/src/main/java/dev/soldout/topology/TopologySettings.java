package dev.soldout.topology;

import dev.soldout.stores.TxStateListener;
import dev.soldout.stores.TxStatusTally;
import java.time.Duration;

/**
 * Settings of the payment topology.
 *
 * @param maxAttempts PAYMENT_MAX_ATTEMPTS: charge attempts before ATTEMPTS_EXHAUSTED (1 is the
 *     seed's emergency setting: fail fast, no retries)
 * @param retryTick how often due retries are looked for; bounds the extra delay of a retry
 * @param txStateListener told of every tx-state change (status long-polls wake on it)
 * @param statusTally where the tx-state tasks keep their transactions per status (the gauge)
 */
public record TopologySettings(int maxAttempts, Duration retryTick,
    TxStateListener txStateListener, TxStatusTally statusTally) {
  public TopologySettings(int maxAttempts, Duration retryTick) {
    this(maxAttempts, retryTick, TxStateListener.NONE);
  }

  public TopologySettings(int maxAttempts, Duration retryTick, TxStateListener txStateListener) {
    this(maxAttempts, retryTick, txStateListener, new TxStatusTally());
  }

  public static TopologySettings defaults() {
    return new TopologySettings(3, Duration.ofMillis(100));
  }
}
