package dev.soldout.api.security;

import java.time.Duration;

/**
 * How fans' tokens are verified. Exactly one key source is set: an HS256 secret shared with the
 * identity provider, or its RS256/ES256 public key (PEM), or its JWKS URL.
 *
 * @param devTokens whether POST /auth/dev-token mints tokens (needs the HS256 secret); never on
 *     in production
 */
public record AuthSettings(
    String hmacSecret,
    String publicKeyPem,
    String jwksUrl,
    String issuer,
    String audience,
    Duration clockSkew,
    boolean devTokens,
    Duration devTokenTtl) {

  /** HS256 wants a key of at least 256 bits. */
  static final int MIN_SECRET_BYTES = 32;

  /** Whether a key source is configured at all. */
  public boolean hasKeySource() {
    return isSet(hmacSecret) || isSet(publicKeyPem) || isSet(jwksUrl);
  }

  /** The same settings with an HS256 secret and dev tokens on: what the dev stack runs with. */
  public AuthSettings forDev(String secret) {
    return new AuthSettings(secret, null, null, issuer, audience, clockSkew, true, devTokenTtl);
  }

  /** Throws IllegalArgumentException, naming the setting, when these cannot verify tokens. */
  void check() {
    int sources = (isSet(hmacSecret) ? 1 : 0) + (isSet(publicKeyPem) ? 1 : 0)
        + (isSet(jwksUrl) ? 1 : 0);
    if (sources != 1) {
      throw new IllegalArgumentException("set exactly one of AUTH_JWT_SECRET,"
          + " AUTH_JWT_PUBLIC_KEY and AUTH_JWKS_URL (" + sources + " are set)");
    }
    if (isSet(hmacSecret) && hmacSecret.getBytes().length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "AUTH_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    if (devTokens && !isSet(hmacSecret)) {
      throw new IllegalArgumentException("AUTH_DEV_TOKENS needs AUTH_JWT_SECRET to sign with");
    }
  }

  static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }
}
