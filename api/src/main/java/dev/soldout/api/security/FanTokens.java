package dev.soldout.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.UUID;

/**
 * Verifies fans' JWTs with Nimbus JOSE+JWT: the signature with the one configured key source and
 * only its algorithms (so {@code alg: none} and algorithm swaps fail), then issuer, audience,
 * expiry (within the clock skew) and a subject, which is the fan. Mints HS256 tokens for dev.
 */
public final class FanTokens {
  /**
   * Tokens verified lately, by their whole text (signature included, so no other text can match
   * one): a fan sends the same token with every hold attempt, payment and poll, and verifying it
   * again each time was a quarter of the API's CPU in an on-sale rush. An entry lives no longer
   * than its token, so expiry is still checked on every request.
   */
  private static final int VERIFIED_KEPT = 100_000;

  private final ConfigurableJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Cache<String, Verified> verified;
  private final AuthSettings settings;
  private final Clock clock;

  public FanTokens(AuthSettings settings, Clock clock) {
    settings.check();
    this.settings = settings;
    this.clock = clock;
    processor.setJWSKeySelector(keySelector(settings));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
        settings.audience(), new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
        Set.of("sub", "exp"));
    claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
    verified = Caffeine.newBuilder().maximumSize(VERIFIED_KEPT)
        .expireAfter(Expiry.creating((String token, Verified v) ->
            Duration.between(clock.instant(), v.expiresAt()).plus(settings.clockSkew())))
        .build();
  }

  /** A verified token's fan and expiry. */
  private record Verified(String fan, Instant expiresAt) {}

  private static JWSVerificationKeySelector<SecurityContext> keySelector(AuthSettings s) {
    if (AuthSettings.isSet(s.hmacSecret())) {
      return new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
          new ImmutableSecret<>(s.hmacSecret().getBytes(StandardCharsets.UTF_8)));
    }
    JWKSource<SecurityContext> keys;
    if (AuthSettings.isSet(s.publicKeyPem())) {
      try {
        keys = new ImmutableJWKSet<>(new JWKSet(JWK.parseFromPEMEncodedObjects(s.publicKeyPem())));
      } catch (JOSEException e) {
        throw new IllegalArgumentException("AUTH_JWT_PUBLIC_KEY is not a PEM public key", e);
      }
    } else {
      try {
        // Cached, refreshed and rate-limited by Nimbus; its HTTP timeouts are short.
        keys = JWKSourceBuilder.<SecurityContext>create(URI.create(s.jwksUrl()).toURL())
            .retrying(true).build();
      } catch (MalformedURLException | IllegalArgumentException e) {
        throw new IllegalArgumentException("AUTH_JWKS_URL is not a URL: " + s.jwksUrl(), e);
      }
    }
    return new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys);
  }

  /** The fan a bearer token names, or InvalidTokenException with why it was refused. */
  public String verify(String token) throws InvalidTokenException {
    Verified known = verified.getIfPresent(token);
    if (known != null && clock.instant().isBefore(known.expiresAt().plus(settings.clockSkew()))) {
      return known.fan();
    }
    try {
      JWTClaimsSet claims = processor.process(token, null);
      verified.put(token, new Verified(claims.getSubject(), claims.getExpirationTime().toInstant()));
      return claims.getSubject();
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed token");
    } catch (BadJOSEException | JOSEException e) {
      throw new InvalidTokenException(e.getMessage());
    }
  }

  /** A short-lived HS256 token for the fan: dev and tests only (AUTH_DEV_TOKENS). */
  public Minted mint(String userId) {
    if (!AuthSettings.isSet(settings.hmacSecret())) {
      throw new IllegalStateException("tokens are minted only with AUTH_JWT_SECRET");
    }
    Instant now = clock.instant();
    Instant expires = now.plus(settings.devTokenTtl());
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().subject(userId).issuer(settings.issuer())
            .audience(settings.audience()).issueTime(Date.from(now))
            .expirationTime(Date.from(expires)).jwtID(UUID.randomUUID().toString()).build());
    try {
      jwt.sign(new MACSigner(settings.hmacSecret().getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a dev token", e);
    }
    return new Minted(jwt.serialize(), expires);
  }

  /** A minted token and when it expires. */
  public record Minted(String token, Instant expiresAt) {}
}
