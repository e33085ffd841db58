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
  /** Which fan started which payment, so that a test's status query asks as that fan. */
  private static final Map<String, String> PAYERS = new ConcurrentHashMap<>();

  private TestFans() {}

  static String bearer(String userId) {
    return "Bearer " + TOKENS.mint(userId).token();
  }

  static void paid(String paymentTxId, String userId) {
    PAYERS.put(paymentTxId, userId);
  }

  /** The fan who started the payment, or a fan of no payment for an id never paid here. */
  static String payer(String paymentTxId) {
    return PAYERS.getOrDefault(paymentTxId, "fan-of-no-payment");
  }

  /** Tokens signed with another key than the instances trust. */
  static FanTokens forger() {
    return new FanTokens(new AuthSettings("a-key-no-soldout-instance-trusts-at-all!!", null, null,
        "soldout", "soldout-api", Duration.ofSeconds(30), true, Duration.ofMinutes(5)),
        Clock.systemUTC());
  }
}
