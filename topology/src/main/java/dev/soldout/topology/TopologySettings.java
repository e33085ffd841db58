package dev.soldout.topology;

import java.time.Duration;

/**
 * Settings of the payment topology.
 *
 * @param maxAttempts PAYMENT_MAX_ATTEMPTS: charge attempts before ATTEMPTS_EXHAUSTED (1 is the
 *     seed's emergency setting: fail fast, no retries)
 * @param retryTick how often due retries are looked for; bounds the extra delay of a retry
 */
public record TopologySettings(int maxAttempts, Duration retryTick) {
  public static TopologySettings defaults() {
    return new TopologySettings(3, Duration.ofMillis(100));
  }
}
