package dev.soldout.seats.queue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soldout.events.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed tokens of the waiting room: {@code base64url(payload JSON) "." base64url(HMAC-SHA256)}.
 * A queue token names the fan's place in a performance's queue; an admission token lets the fan
 * hold and pay until it expires, checked here alone, without a Redis round trip. The signature
 * is compared in constant time, and it is checked before the payload is even parsed.
 */
public final class QueueTokens {
  /** What a token is for: a queue token can never be used as an admission. */
  public enum Kind { QUEUE, ADMISSION }

  /** The signed claims; short names keep the token small. */
  public record Claims(
      @JsonProperty("k") Kind kind,
      @JsonProperty("p") String performanceId,
      @JsonProperty("u") String userId,
      @JsonProperty("s") String sessionId,
      @JsonProperty("x") long expiresAtMs) {

    public Instant expiresAt() {
      return Instant.ofEpochMilli(expiresAtMs);
    }
  }

  /** Why a token was refused. */
  public static final class InvalidTokenException extends RuntimeException {
    private final boolean expired;

    InvalidTokenException(String message, boolean expired) {
      super(message);
      this.expired = expired;
    }

    public boolean expired() {
      return expired;
    }
  }

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final ObjectMapper MAPPER = Json.mapper();
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  /** A Mac is not thread-safe; initialising one per call costs more than the HMAC itself. */
  private final ThreadLocal<Mac> macs;

  public QueueTokens(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the queue token secret needs at least 32 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance(ALGORITHM);
        mac.init(key);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
      }
    });
  }

  public String sign(Claims claims) {
    try {
      String payload = ENCODER.encodeToString(MAPPER.writeValueAsBytes(claims));
      return payload + "." + ENCODER.encodeToString(mac(payload));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The claims of a genuine, unexpired token of this kind; otherwise InvalidTokenException. */
  public Claims verify(String token, Kind kind, Instant now) {
    int dot = token == null ? -1 : token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      throw new InvalidTokenException("malformed token", false);
    }
    String payload = token.substring(0, dot);
    byte[] signature;
    try {
      signature = DECODER.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("malformed token", false);
    }
    if (!MessageDigest.isEqual(mac(payload), signature)) {
      throw new InvalidTokenException("the token's signature is not ours", false);
    }
    Claims claims;
    try {
      claims = MAPPER.readValue(DECODER.decode(payload), Claims.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidTokenException("malformed token", false);
    }
    if (claims.kind() != kind) {
      throw new InvalidTokenException("this is a " + claims.kind().name().toLowerCase()
          + " token, not a " + kind.name().toLowerCase() + " token", false);
    }
    if (claims.expiresAtMs() <= now.toEpochMilli()) {
      throw new InvalidTokenException("the token expired at " + claims.expiresAt(), true);
    }
    return claims;
  }

  /**
   * A fan's place in the shuffle before the open, in [0, 1): keyed by the secret, so fans cannot
   * predict it, and fixed per fan and performance, so leaving and joining again draws nothing new.
   */
  public double draw(String performanceId, String userId) {
    byte[] h = mac(performanceId + "\n" + userId);
    long bits = 0;
    for (int i = 0; i < 7; i++) {
      bits = (bits << 8) | (h[i] & 0xff);
    }
    return (bits >>> 3) / (double) (1L << 53);
  }

  private byte[] mac(String text) {
    return macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8));
  }
}
