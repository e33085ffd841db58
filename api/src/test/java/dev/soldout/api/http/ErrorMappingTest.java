package dev.soldout.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soldout.events.SeatKey;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.seats.redis.RedisConnector;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

class ErrorMappingTest {
  @Test
  void a_redis_that_does_not_answer_becomes_503_with_Retry_After_and_a_json_body() throws Exception {
    try (UnifiedJedis redis = RedisConnector.connect("redis://127.0.0.1:" + closedPort())) {
      HoldStore holds = new HoldStore(redis, "test:", Duration.ofMinutes(5), Clock.systemUTC());
      Javalin app = Javalin.create(config -> {
        config.startup.showJavalinBanner = false;
        ErrorMapping.install(config);
        config.routes.post("/take", ctx -> ctx.json(holds.take(new SeatKey("p", "A-1"), "fan")));
      });
      app.start("127.0.0.1", 0);
      try {
        long started = System.nanoTime();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.port() + "/take"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(response.body()).contains("\"SEATS_UNAVAILABLE\"");
      } finally {
        app.stop();
      }
    }
  }

  /** A loopback port nobody listens on: connections to it are refused at once. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
