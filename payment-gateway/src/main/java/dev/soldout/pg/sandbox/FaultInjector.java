package dev.soldout.pg.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * Holds the current {@link Faults} and draws, per request, what goes wrong with it. A seeded
 * generator makes a sequence of requests misbehave the same way on every run.
 */
public final class FaultInjector {

  /**
   * What happens to one /v1 request.
   *
   * @param delayMs wait this long before anything else
   * @param failure answer 503 with this error code without processing, or null
   * @param loseResponse process, then answer 503 as if the answer were lost
   */
  public record Plan(long delayMs, String failure, boolean loseResponse) {}

  private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.NONE);
  private final RandomGenerator random;

  public FaultInjector() {
    this(new Random());
  }

  /** The generator is used under this object's lock, so any implementation is safe here. */
  public FaultInjector(RandomGenerator random) {
    this.random = random;
  }

  public Faults faults() {
    return faults.get();
  }

  public void set(Faults next) {
    faults.set(next);
  }

  /** Applies a JSON patch atomically; see {@link Faults#merge}. */
  public Faults update(JsonNode patch) {
    return faults.updateAndGet(current -> current.merge(patch));
  }

  public Plan plan() {
    Faults now = faults.get();
    if (now.outage()) {
      return new Plan(now.latencyMs(), "OUTAGE", false);
    }
    if (roll(now.errorRate())) {
      return new Plan(now.latencyMs(), "INJECTED_ERROR", false);
    }
    return new Plan(now.latencyMs(), null, roll(now.lostResponseRate()));
  }

  /** Whether a new charge is declined; asked once per idempotency key. */
  public boolean declines() {
    return roll(faults.get().declineRate());
  }

  private boolean roll(double rate) {
    if (rate <= 0) {
      return false;
    }
    synchronized (this) {
      return random.nextDouble() < rate;
    }
  }
}
