package dev.soldout.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.seats.catalog.DemoCatalog;
import dev.soldout.seats.db.Databases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The duplicates ops command against a running instance. A double sale cannot happen through
 * the seat ledger, so it is fabricated where the runbook finds it: a charge made at the PG and a
 * second SUCCESS row for a sold seat in the projection, refused in reservation_conflicts. The
 * refund goes through the saga's compensation worker and shows in the PG's ledger. Runtime:
 * about 20 s.
 */
class DuplicatesCommandTest {
  private static final String PERFORMANCE = DemoCatalog.PERFORMANCE_IDS.get(0);
  private static LocalSoldout system;
  private static Settings ops;
  private static HikariDataSource pool;
  private static Jdbi jdbi;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @BeforeAll
  static void start() throws Exception {
    system = LocalSoldout.start("duplicates", 20, 2);
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

  private int duplicates(String... args) {
    printed.reset();
    return DuplicatesCommand.run(ops, args, out);
  }

  private String output() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  private static long refunded(String tx) {
    return system.pg.get("/v1/charges?idempotencyKey=" + tx).body().get(0)
        .path("refundedAmount").asLong();
  }

  @Test
  void a_double_sale_is_found_refunded_through_the_saga_and_then_resolved() {
    String sold = system.buy("A-1", "fan-1");
    String other = system.buy("A-2", "fan-2");
    await("both in the projection").atMost(Duration.ofSeconds(30)).until(() -> jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM payment_transactions WHERE status = 'SUCCESS'")
            .mapTo(Integer.class).one()) == 2);
    assertThat(duplicates()).as(output()).isZero();
    assertThat(output()).contains("0 finding(s), 0 outstanding");

    // A second sale of A-1, as if the seat ledger had failed: charged at the PG, SUCCESS in
    // the projection, its confirmation refused.
    String duplicate = "dup-" + UUID.randomUUID();
    var charge = system.pg.post("/v1/charges", "{\"idempotencyKey\":\"" + duplicate
        + "\",\"amount\":165000,\"userId\":\"fan-1\"}");
    assertThat(charge.status()).isEqualTo(201);
    jdbi.useHandle(h -> {
      h.createUpdate("""
              INSERT INTO payment_transactions (payment_tx_id, status, performance_id, seat_id,
                  user_id, hold_id, amount, attempts, pg_charge_id, charged, created_at,
                  updated_at, version)
              VALUES (:tx, 'SUCCESS', :performance, 'A-1', 'fan-1', 'hold-dup', 165000, 1,
                  :charge, true, :at, :at, 3)""")
          .bind("tx", duplicate).bind("performance", PERFORMANCE)
          .bind("charge", charge.text("chargeId")).bind("at", Instant.now()).execute();
      h.createUpdate("""
              INSERT INTO reservation_conflicts (payment_tx_id, performance_id, seat_id, user_id,
                  confirmed_tx_id) VALUES (:tx, :performance, 'A-1', 'fan-1', :sold)""")
          .bind("tx", duplicate).bind("performance", PERFORMANCE).bind("sold", sold).execute();
    });

    assertThat(duplicates()).isEqualTo(1);
    assertThat(output()).contains("DUPLICATE_SALE", duplicate,
        "2 SUCCESS payments for " + PERFORMANCE + "/A-1 by the same fan fan-1, kept " + sold,
        "165000 charged and not refunded", "1 finding(s), 1 outstanding");

    assertThat(duplicates("--refund", "--dry-run")).isEqualTo(1);
    assertThat(output()).contains("would refund " + duplicate);
    assertThat(refunded(duplicate)).isZero();

    assertThat(duplicates("--refund")).isEqualTo(1);
    assertThat(output()).contains("refund requested for " + duplicate, "1 refund(s) requested");
    await("refunded at the PG by the compensation worker").atMost(Duration.ofSeconds(30))
        .until(() -> refunded(duplicate) == 165_000);
    assertThat(duplicates()).isZero();
    assertThat(output()).contains("refunded at the PG", "(resolved)", "0 outstanding");
    assertThat(refunded(sold)).isZero();
    assertThat(refunded(other)).isZero();

    // A projection that calls a legitimate sale a duplicate is reported, never refunded.
    jdbi.useHandle(h -> h.execute(
        "UPDATE payment_transactions SET seat_id = 'A-1' WHERE payment_tx_id = ?", other));
    assertThat(duplicates("--refund")).isEqualTo(1);
    assertThat(output()).contains("PROJECTION_DISAGREES", other, "0 refund(s) requested");
    assertThat(refunded(other)).isZero();
  }

  @Test
  void help_exits_0_and_bad_usage_exits_2() {
    assertThat(duplicates("--help")).isZero();
    assertThat(duplicates("--dry-run")).isEqualTo(2);
    assertThat(duplicates("--since")).isEqualTo(2);
    assertThat(duplicates("--bogus")).isEqualTo(2);
  }
}
