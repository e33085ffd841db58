package dev.soldout.app;

import dev.soldout.api.security.AuthSettings;
import dev.soldout.api.security.FanTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fans of the functional tests: every instance a test starts verifies tokens signed with
 * {@link #SECRET}, and this signs them, as an identity provider would.
 */
final class TestFans {
  static final String SECRET = "soldout-functional-tests-only-secret-0123456789";
  static final Map<String, String> ENV = Map.of("AUTH_JWT_SECRET", SECRET);

  private static final FanTokens TOKENS = new FanTokens(Settings.fromLayers(Map.of(), ENV).auth(),
      Clock.systemUTC());
  /**
   * Which fan started which payment, or was given which queue token, so that a test's later
   * request about it asks as that fan.
   */
  private static final Map<String, String> OWNERS = new ConcurrentHashMap<>();

  private TestFans() {}

  static String bearer(String userId) {
    return "Bearer " + TOKENS.mint(userId).token();
  }

  static void paid(String paymentTxId, String userId) {
    OWNERS.put(paymentTxId, userId);
  }

  /** The fan who started the payment, or a fan of no payment for an id never paid here. */
  static String payer(String paymentTxId) {
    return OWNERS.getOrDefault(paymentTxId, "fan-of-no-payment");
  }

  static void queued(String queueToken, String userId) {
    OWNERS.put(queueToken, userId);
  }

  /** The fan a queue token was given to. */
  static String queuer(String queueToken) {
    return OWNERS.getOrDefault(queueToken, "fan-of-no-queue");
  }

  /** Tokens signed with another key than the instances trust. */
  static FanTokens forger() {
    return new FanTokens(new AuthSettings("a-key-no-soldout-instance-trusts-at-all!!", null, null,
        "soldout", "soldout-api", Duration.ofSeconds(30), true, Duration.ofMinutes(5)),
        Clock.systemUTC());
  }
}
