package dev.soldout.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.soldout.api.http.ErrorMapping;
import dev.soldout.events.Json;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fan authentication on a real HTTP server: a fan route echoes the fan it was given, so every
 * refused token shows as a 401 that never reached the route.
 */
class FanAuthTest {
  private static final String SECRET = "fan-auth-test-secret-of-at-least-32-bytes";

  private final HttpClient client = HttpClient.newHttpClient();
  private Javalin app;

  private static AuthSettings hs256(String secret, String audience, Duration ttl, boolean dev) {
    return new AuthSettings(secret, null, null, "soldout", audience, Duration.ofSeconds(30), dev,
        ttl);
  }

  private String start(AuthSettings settings) {
    FanTokens tokens = new FanTokens(settings, Clock.systemUTC());
    app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      ErrorMapping.install(config);
      new FanAuth(tokens).register(config);
      if (settings.devTokens()) {
        new DevTokenRoutes(tokens).register(config);
      }
      config.routes.post("/holds", ctx -> ctx.result(
          FanAuth.fan(ctx, Json.mapper().readTree(ctx.body()).path("userId").asText(null))));
      config.routes.get("/concerts", ctx -> ctx.result("public"));
    }).start(0);
    return "http://127.0.0.1:" + app.port();
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.stop();
    }
  }

  private HttpResponse<String> post(String url, String body, String authorization)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws Exception {
    JsonNode body = Json.mapper().readTree(response.body());
    return body.path("error").asText();
  }

  @Test
  void a_valid_token_names_the_fan_and_public_routes_need_none() throws Exception {
    AuthSettings settings = hs256(SECRET, "soldout-api", Duration.ofMinutes(5), false);
    String base = start(settings);
    String token = new FanTokens(settings, Clock.systemUTC()).mint("fan-1").token();

    HttpResponse<String> held = post(base + "/holds", "{}", "Bearer " + token);
    assertThat(held.statusCode()).isEqualTo(200);
    assertThat(held.body()).isEqualTo("fan-1");
    assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/concerts")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  void missing_malformed_forged_expired_and_misaddressed_tokens_are_401() throws Exception {
    AuthSettings settings = hs256(SECRET, "soldout-api", Duration.ofMinutes(5), false);
    String base = start(settings);
    String url = base + "/holds";
    String claims = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"sub\":\"fan-1\",\"iss\":\"soldout\",\"aud\":\"soldout-api\",\"exp\":"
            + (Instant.now().getEpochSecond() + 300) + "}").getBytes(StandardCharsets.UTF_8));
    String algNone = Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + claims + ".";
    String otherKey = new FanTokens(hs256("another-secret-of-at-least-32-bytes-long", "soldout-api",
        Duration.ofMinutes(5), false), Clock.systemUTC()).mint("fan-1").token();
    String otherAudience = new FanTokens(hs256(SECRET, "someone-else", Duration.ofMinutes(5),
        false), Clock.systemUTC()).mint("fan-1").token();
    // Expired beyond the 30 s of allowed clock skew.
    String expired = new FanTokens(hs256(SECRET, "soldout-api", Duration.ofMinutes(-2), false),
        Clock.systemUTC()).mint("fan-1").token();
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    SignedJWT rs256 = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
        .subject("fan-1").issuer("soldout").audience("soldout-api")
        .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    rs256.sign(new RSASSASigner(rsa));

    HttpResponse<String> missing = post(url, "{}", null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(error(missing)).isEqualTo("UNAUTHENTICATED");
    assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    for (String refused : new String[] {"Bearer not-a-jwt", "Basic Zm9vOmJhcg==",
        "Bearer " + algNone, "Bearer " + otherKey, "Bearer " + otherAudience,
        "Bearer " + expired, "Bearer " + rs256.serialize()}) {
      HttpResponse<String> answer = post(url, "{}", refused);
      assertThat(answer.statusCode()).as(refused).isEqualTo(401);
      assertThat(answer.body()).as(refused).doesNotContain("fan-1\"").contains("\"error\"");
    }
  }

  @Test
  void a_userId_in_the_body_must_be_the_token_fan() throws Exception {
    AuthSettings settings = hs256(SECRET, "soldout-api", Duration.ofMinutes(5), false);
    String base = start(settings);
    String token = new FanTokens(settings, Clock.systemUTC()).mint("fan-1").token();

    HttpResponse<String> other = post(base + "/holds", "{\"userId\":\"fan-2\"}", "Bearer " + token);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(error(other)).isEqualTo("USER_MISMATCH");
    assertThat(post(base + "/holds", "{\"userId\":\"fan-1\"}", "Bearer " + token).statusCode())
        .isEqualTo(200);
  }

  @Test
  void dev_tokens_are_minted_only_when_enabled() throws Exception {
    String base = start(hs256(SECRET, "soldout-api", Duration.ofMinutes(5), true));
    HttpResponse<String> minted = post(base + "/auth/dev-token", "{\"userId\":\"fan-7\"}", null);
    assertThat(minted.statusCode()).isEqualTo(201);
    String token = Json.mapper().readTree(minted.body()).path("token").asText();
    assertThat(post(base + "/holds", "{}", "Bearer " + token).body()).isEqualTo("fan-7");
    stop();

    String closed = start(hs256(SECRET, "soldout-api", Duration.ofMinutes(5), false));
    assertThat(post(closed + "/auth/dev-token", "{\"userId\":\"fan-7\"}", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void settings_that_cannot_verify_tokens_are_refused_at_start() {
    assertThatThrownBy(() -> new FanTokens(
        hs256("short", "soldout-api", Duration.ofMinutes(5), false), Clock.systemUTC()))
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> new FanTokens(
        hs256(null, "soldout-api", Duration.ofMinutes(5), false), Clock.systemUTC()))
        .hasMessageContaining("AUTH_JWT_SECRET");
  }
}
