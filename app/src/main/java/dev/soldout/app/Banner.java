package dev.soldout.app;

import dev.soldout.api.security.AuthSettings;
import dev.soldout.devstack.DevStack;
import java.util.Set;

/** What `./soldout dev` prints once it is ready: what runs where, and how to try it. */
final class Banner {
  private Banner() {}

  static String dev(Settings s, AuthSettings auth, SoldoutNode.Endpoints e,
      Set<DevStack.Service> embedded, boolean sandbox, double seconds, int opsPort) {
    String api = "http://127.0.0.1:" + s.apiPort();
    String fans = auth.devTokens()
        ? "dev tokens ON: POST /auth/dev-token mints a token for any fan (dev only)"
        : "tokens from your identity provider (AUTH_JWT_SECRET / _PUBLIC_KEY / JWKS_URL)";
    return String.format("""

        soldout is ready in %.1f s
          API         %s   (fans: Authorization: Bearer <JWT>; %s)
          operators   http://127.0.0.1:%d   (/metrics, /health)
          Kafka       %s   (%s)
          Redis       %s   (%s)
          PostgreSQL  %s   (%s)
          PG          %s   (%s)
          topology    exactly_once_v2, %d partitions, state in %s

        Try it (the README has the whole walkthrough):
          curl -s %s/concerts
          TOKEN=$(curl -s -X POST %s/auth/dev-token -d '{"userId":"fan-1"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
          curl -s -X POST %s/holds -H "Authorization: Bearer $TOKEN" \\
            -d '{"performanceId":"aurora-seoul-1","seatId":"A-1"}'
          curl -s -X POST %s/payments -H "Authorization: Bearer $TOKEN" \\
            -H 'Idempotency-Key: <holdId>' -d '{"holdId":"<holdId>","amount":165000}'
          curl -s -H "Authorization: Bearer $TOKEN" %s/payments/<paymentTxId>

        Another instance: API_PORT=7080 ./soldout app     Stop: Ctrl-C (data stays in %s)
        """, seconds, api, fans, opsPort,
        e.kafka(), origin(embedded, DevStack.Service.KAFKA, s.dataDir() + "/kafka"),
        e.redisUrl(), origin(embedded, DevStack.Service.REDIS, s.dataDir() + "/redis"),
        e.database().jdbcUrl(), origin(embedded, DevStack.Service.POSTGRES,
            s.dataDir() + "/postgres"),
        e.pgBaseUrl(), sandbox ? "sandbox: POST /admin/faults" : "configured",
        s.partitions(), s.stateDir(), api, api, api, api, api, s.dataDir());
  }

  private static String origin(Set<DevStack.Service> embedded, DevStack.Service service,
      String dir) {
    return embedded.contains(service) ? "embedded, data in " + dir : "configured";
  }
}
