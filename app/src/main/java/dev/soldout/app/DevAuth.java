package dev.soldout.app;

import dev.soldout.api.security.AuthSettings;
import dev.soldout.api.security.FanTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Fan authentication for the dev stack: unless a key source is configured, a random HS256
 * secret kept in {@code DATA_DIR/dev-auth-secret} (readable by its owner only), shared by every
 * instance of the checkout, with POST /auth/dev-token on. Nothing outside dev uses it.
 */
final class DevAuth {
  private static final String FILE = "dev-auth-secret";

  private DevAuth() {}

  /** For {@code ./soldout dev}: the configured auth, or the dev secret, made on first use. */
  static AuthSettings forDevStack(Settings settings) {
    if (settings.auth().hasKeySource()) {
      return settings.auth();
    }
    Path file = settings.dataDir().resolve(FILE);
    try {
      if (!Files.exists(file)) {
        byte[] secret = new byte[48];
        new SecureRandom().nextBytes(secret);
        Files.createDirectories(settings.dataDir());
        Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
            Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE))),
            Base64.getEncoder().encodeToString(secret), StandardCharsets.UTF_8);
      }
      return settings.auth().forDev(Files.readString(file, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the dev auth secret in " + file, e);
    }
  }

  /**
   * What a load tool on this machine signs fans in with: the dev stack's secret or
   * AUTH_JWT_SECRET; empty when neither is there (a public key or JWKS only verifies).
   */
  static Optional<FanTokens> minter(Settings settings) {
    AuthSettings auth = forInstance(settings);
    if (auth.hmacSecret() == null || auth.hmacSecret().isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new FanTokens(auth, Clock.systemUTC()));
  }

  /** For {@code ./soldout app}: the configured auth, or the running dev stack's secret. */
  static AuthSettings forInstance(Settings settings) {
    if (settings.auth().hasKeySource() || !Files.exists(settings.dataDir().resolve(FILE))) {
      return settings.auth();
    }
    return forDevStack(settings);
  }
}
