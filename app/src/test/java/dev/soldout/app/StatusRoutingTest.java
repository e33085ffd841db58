package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.soldout.seats.catalog.DemoCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two instances of one deployment in this JVM, sharing 4 partitions with one standby each:
 * status queries reach the owner in one hop, a forwarded query is answered where it lands (from
 * the standby there, marked stale), and a rebalance answers waiting long-polls at once. The
 * last test stops B.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusRoutingTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);
  private static final String INSTANCE = "X-Soldout-Instance";
  private static LocalSoldout a;
  private static LocalSoldout b;
  private static final List<String> payments = new ArrayList<>();

  @BeforeAll
  static void startTwoInstancesAndPay() throws Exception {
    a = LocalSoldout.start("route-a", 40, 4);
    b = LocalSoldout.join("route-b", a);
    for (LocalSoldout node : List.of(a, b)) {
      await().atMost(Duration.ofSeconds(90)).until(() ->
          node.api.get("/health/ready").status() == 200);
    }
    for (int i = 1; i <= 16; i++) {
      String seatId = "A-" + i;
      String userId = "fan-" + i;
      var hold = a.api.post("/holds", "{\"performanceId\":\"" + PERFORMANCE
          + "\",\"seatId\":\"" + seatId + "\",\"userId\":\"" + userId + "\"}");
      assertThat(hold.status()).as("hold %s", seatId).isEqualTo(201);
      var paid = a.api.post("/payments", "{\"holdId\":\"" + hold.text("holdId")
          + "\",\"userId\":\"" + userId + "\",\"amount\":" + price(seatId) + "}");
      assertThat(paid.status()).as("pay %s: %s", seatId, paid.body()).isEqualTo(202);
      payments.add(paid.text("paymentTxId"));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> payments.stream()
        .allMatch(tx -> a.api.get("/payments/" + tx).text("status").equals("SUCCESS")));
  }

  @AfterAll
  static void stop() {
    for (LocalSoldout node : new LocalSoldout[] {b, a}) {
      if (node != null) {
        node.close();
      }
    }
  }

  private static long price(String seatId) {
    for (var seat : a.api.get("/performances/" + PERFORMANCE + "/seats").body()) {
      if (seat.path("seatId").asText().equals(seatId)) {
        return seat.path("price").asLong();
      }
    }
    throw new AssertionError("no seat " + seatId);
  }

  private static String servedBy(Http.Response response) {
    return response.raw().headers().firstValue(INSTANCE).orElse("(none)");
  }

  private static String ownerOf(String tx) {
    return servedBy(a.api.get("/payments/" + tx));
  }

  @Test
  @Order(1)
  void a_status_query_for_a_payment_hosted_elsewhere_is_forwarded_to_its_owner() {
    // After B joined, the instances' metadata agree once the rebalance has settled.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
        payments.stream().allMatch(tx -> ownerOf(tx).equals(
            servedBy(b.api.get("/payments/" + tx)))));
    Set<String> owners = new HashSet<>();
    for (String tx : payments) {
      var viaA = a.api.get("/payments/" + tx);
      var viaB = b.api.get("/payments/" + tx);

      assertThat(viaA.status()).isEqualTo(200);
      assertThat(viaB.status()).isEqualTo(200);
      assertThat(viaA.body().has("stale")).as("the owner's own answer is not stale").isFalse();
      assertThat(servedBy(viaB)).as("both reach the same owner").isEqualTo(servedBy(viaA));
      owners.add(servedBy(viaA));
    }
    assertThat(owners).as("16 keys over 4 partitions land on both instances")
        .containsExactlyInAnyOrder(a.settings.advertisedUrl(), b.settings.advertisedUrl());
  }

  @Test
  @Order(2)
  void a_forwarded_query_is_answered_from_the_local_standby_and_never_forwarded_again() {
    String ownedByB = payments.stream()
        .filter(tx -> ownerOf(tx).equals(b.settings.advertisedUrl())).findFirst().orElseThrow();

    // As if B had forwarded it here: A must not send it back to B, whatever the metadata says.
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      var answer = a.api.get("/payments/" + ownedByB, Duration.ofSeconds(5),
          "X-Soldout-Forwarded", "1");
      assertThat(answer.status()).isEqualTo(200);
      assertThat(servedBy(answer)).isEqualTo(a.settings.advertisedUrl());
      assertThat(answer.body().path("stale").asBoolean()).isTrue();
      assertThat(answer.raw().headers().firstValue("X-Soldout-Stale")).isPresent();
      assertThat(answer.text("status")).isEqualTo("SUCCESS");
    });
  }

  @Test
  @Order(3)
  void a_long_poll_is_answered_at_once_when_its_instance_rebalances() throws Exception {
    String unknownOnA = null;
    while (unknownOnA == null) {
      String candidate = UUID.randomUUID().toString();
      if (servedBy(a.api.get("/payments/" + candidate)).equals(a.settings.advertisedUrl())) {
        unknownOnA = candidate;
      }
    }
    String tx = unknownOnA;
    CompletableFuture<Http.Response> waiting = CompletableFuture.supplyAsync(() ->
        a.api.get("/payments/" + tx + "?waitMs=30000", Duration.ofSeconds(40)));
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() ->
        new Scrape(a.ops.get("/metrics").raw().body()).sum("payment_status_waiters") == 1);

    long started = System.nanoTime();
    b.close();
    b = null;
    Http.Response answer = waiting.get();
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(tookMs).as("answered by the rebalance, not at the 30 s bound").isLessThan(20_000);
    assertThat(answer.status()).isIn(404, 503);
    assertThat(answer.text("error")).isNotBlank();
    assertThat(new Scrape(a.ops.get("/metrics").raw().body()).sum("payment_status_waiters"))
        .isZero();
  }
}
