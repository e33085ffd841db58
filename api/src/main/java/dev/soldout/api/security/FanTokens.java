package dev.soldout.api.security;

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
  private final ConfigurableJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
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
  }

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
    try {
      return processor.process(token, null).getSubject();
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
