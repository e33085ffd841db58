package dev.soldout.seats.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.soldout.devstack.Database;
import dev.soldout.devstack.TestServices;
import dev.soldout.seats.db.Databases;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog on a real PostgreSQL, in a schema of its own. */
class CatalogTest {
  private static HikariDataSource pool;
  private static Jdbi jdbi;

  @BeforeAll
  static void migrate() {
    Database db = TestServices.freshSchema();
    pool = Databases.pool(db.jdbcUrl(), db.user(), db.password(), 2);
    Databases.migrate(pool);
    jdbi = Databases.jdbi(pool);
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  @Test
  void the_demo_catalog_is_seeded_once_with_its_seats() {
    assertThat(DemoCatalog.seedIfEmpty(jdbi, 250, Instant.now())).isTrue();
    assertThat(DemoCatalog.seedIfEmpty(jdbi, 250, Instant.now())).isFalse();

    Catalog catalog = new Catalog(jdbi);
    assertThat(catalog.concerts()).singleElement().satisfies(concert ->
        assertThat(concert.performances()).extracting(Performance::performanceId)
            .containsExactlyElementsOf(DemoCatalog.PERFORMANCE_IDS));
    PerformanceSeats seats = catalog.seats(DemoCatalog.PERFORMANCE_IDS.get(0)).orElseThrow();
    assertThat(seats.all()).hasSize(250);
    assertThat(seats.seat("A-1")).hasValueSatisfying(seat -> {
      assertThat(seat.section()).isEqualTo("A");
      assertThat(seat.price()).isPositive();
    });
    assertThat(catalog.seat(DemoCatalog.PERFORMANCE_IDS.get(0), "C-50")).isPresent();
  }

  @Test
  void unknown_performances_and_seats_are_empty_not_errors() {
    Catalog catalog = new Catalog(jdbi);

    assertThat(catalog.seats("no-such-performance")).isEmpty();
    assertThat(catalog.seat("no-such-performance", "A-1")).isEmpty();
    assertThat(catalog.concert("no-such-concert")).isEmpty();
  }

  @Test
  void section_names_continue_past_z() {
    assertThat(DemoCatalog.seats("p", 2_800)).extracting(Seat::section)
        .contains("A", "Z", "AA", "AB");
  }
}
