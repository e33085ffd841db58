package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.seats.db.Databases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consistency ops command against a running instance: at quiescence after a few payments
 * (one of them declined and compensated) no difference; a damaged projection row and a lost
 * seat_sales row are reported with their kinds, and the repair rewrites the projection row from
 * the KTable but never a row newer than it. Runtime: about 20 s.
 */
class ConsistencyCommandTest {
  private static LocalSoldout system;
  private static Settings ops;
  private static HikariDataSource pool;
  private static Jdbi jdbi;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @BeforeAll
  static void start() throws Exception {
    system = LocalSoldout.start("consistency", 20, 2);
    ops = system.opsSettings();
    pool = Databases.pool(system.database.jdbcUrl(), system.database.user(),
        system.database.password(), 2);
    jdbi = Databases.jdbi(pool);
    await().atMost(Duration.ofSeconds(60))
        .until(() -> system.api.get("/health/ready").status() == 200);
  }

  @AfterAll
  static void stop() {
    if (pool != null) {
      pool.close();
    }
    if (system != null) {
      system.close();
    }
  }

  private int consistency(String... args) {
    printed.reset();
    return ConsistencyCommand.run(ops, args, out);
  }

  private String output() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void quiet_system_has_no_difference_then_damage_is_reported_and_the_projection_repaired() {
    String first = system.buy("A-1", "fan-1");
    String second = system.buy("A-2", "fan-2");
    String third = system.buy("A-3", "fan-3");
    system.pg.post("/admin/faults", "{\"declineRate\":1}");
    String declined = system.pay("A-4", "fan-4");
    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(
        system.api.get("/payments/" + declined).text("status")));
    system.pg.post("/admin/faults", "{\"declineRate\":0}");

    // The followers lag the KTable by about a second: wait for quiescence.
    await("no difference at quiescence").atMost(Duration.ofSeconds(30))
        .until(() -> consistency() == 0);
    assertThat(output()).contains("read 4 transaction(s) from the KTable", "0 difference(s)");

    jdbi.useHandle(h -> {
      h.execute("UPDATE payment_transactions SET status = 'PENDING', attempts = 7"
          + " WHERE payment_tx_id = ?", first);
      h.execute("UPDATE payment_transactions SET status = 'CANCELLED', version = version + 5"
          + " WHERE payment_tx_id = ?", third);
      h.execute("DELETE FROM seat_sales WHERE payment_tx_id = ?", second);
    });
    assertThat(consistency()).isEqualTo(1);
    assertThat(output()).contains("PROJECTION_DIFFERS", first, "status PENDING (KTable SUCCESS)",
        "attempts 7 (KTable 1)", "PROJECTION_AHEAD", third, "SALE_MISSING", "3 difference(s)");

    assertThat(consistency("--repair-projection")).isEqualTo(1);
    assertThat(output()).contains("rewrote the projection of 2 transaction(s)",
        "after the repair: 2 difference(s)");
    Map<String, Object> repaired = jdbi.withHandle(h -> h.createQuery(
        "SELECT status, attempts FROM payment_transactions WHERE payment_tx_id = :tx")
        .bind("tx", first).mapToMap().one());
    assertThat(repaired).containsEntry("status", "SUCCESS").containsEntry("attempts", 1);
    // Guarded by version: a row newer than the KTable state read is never overwritten.
    String kept = jdbi.withHandle(h -> h.createQuery(
        "SELECT status FROM payment_transactions WHERE payment_tx_id = :tx")
        .bind("tx", third).mapTo(String.class).one());
    assertThat(kept).isEqualTo("CANCELLED");
    assertThat(consistency()).isEqualTo(1);
    assertThat(output()).doesNotContain("PROJECTION_DIFFERS").contains("PROJECTION_AHEAD",
        "SALE_MISSING");
  }

  @Test
  void help_exits_0_and_bad_usage_exits_2() {
    assertThat(consistency("--help")).isZero();
    assertThat(consistency("--repair")).isEqualTo(2);
  }
}
