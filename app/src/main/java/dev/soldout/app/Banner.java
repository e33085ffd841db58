package dev.soldout.app;

import dev.soldout.devstack.DevStack;
import java.util.Set;

/** What `./soldout dev` prints once it is ready: what runs where, and how to try it. */
final class Banner {
  private Banner() {}

  static String dev(Settings s, SoldoutNode.Endpoints e, Set<DevStack.Service> embedded,
      boolean sandbox, double seconds) {
    String api = "http://127.0.0.1:" + s.apiPort();
    return String.format("""

        soldout is ready in %.1f s
          API         %s   (/health, /metrics)
          Kafka       %s   (%s)
          Redis       %s   (%s)
          PostgreSQL  %s   (%s)
          PG          %s   (%s)
          topology    exactly_once_v2, %d partitions, state in %s

        Try it (the README has the whole walkthrough):
          curl -s %s/concerts
          curl -s -X POST %s/holds -H 'Content-Type: application/json' \\
            -d '{"performanceId":"aurora-seoul-1","seatId":"A-1","userId":"fan-1"}'
          curl -s -X POST %s/payments -H 'Content-Type: application/json' \\
            -H 'Idempotency-Key: <holdId>' -d '{"holdId":"<holdId>","userId":"fan-1","amount":165000}'
          curl -s %s/payments/<paymentTxId>

        Another instance: API_PORT=7080 ./soldout app     Stop: Ctrl-C (data stays in %s)
        """, seconds, api,
        e.kafka(), origin(embedded, DevStack.Service.KAFKA, s.dataDir() + "/kafka"),
        e.redisUrl(), origin(embedded, DevStack.Service.REDIS, s.dataDir() + "/redis"),
        e.database().jdbcUrl(), origin(embedded, DevStack.Service.POSTGRES,
            s.dataDir() + "/postgres"),
        e.pgBaseUrl(), sandbox ? "sandbox: POST /admin/faults" : "configured",
        s.partitions(), s.stateDir(), api, api, api, api, s.dataDir());
  }

  private static String origin(Set<DevStack.Service> embedded, DevStack.Service service,
      String dir) {
    return embedded.contains(service) ? "embedded, data in " + dir : "configured";
  }
}
