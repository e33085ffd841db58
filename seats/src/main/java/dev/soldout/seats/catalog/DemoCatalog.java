package dev.soldout.seats.catalog;

import dev.soldout.seats.catalog.CatalogDao.ConcertRow;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Seeds one demo concert with two performances on first start, so a new user can buy at once. */
public final class DemoCatalog {
  public static final String CONCERT_ID = "aurora-2026";
  public static final List<String> PERFORMANCE_IDS = List.of("aurora-seoul-1", "aurora-seoul-2");
  private static final int SEATS_PER_SECTION = 100;

  private DemoCatalog() {}

  /** Inserts the demo catalog unless any concert exists; returns whether it did. */
  public static boolean seedIfEmpty(Jdbi jdbi, int seatsPerPerformance, Instant now) {
    return jdbi.inTransaction(handle -> {
      CatalogDao dao = handle.attach(CatalogDao.class);
      if (!dao.concerts().isEmpty()) {
        return false;
      }
      dao.insertConcert(new ConcertRow(CONCERT_ID, "Aurora World Tour 2026", "Aurora"));
      Instant firstShow = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(30));
      for (int i = 0; i < PERFORMANCE_IDS.size(); i++) {
        String id = PERFORMANCE_IDS.get(i);
        Instant startsAt = firstShow.plus(Duration.ofDays(i));
        // The sale is open already: the demo is about buying, not waiting.
        dao.insertPerformance(new Performance(id, CONCERT_ID, "KSPO Dome, Seoul", startsAt,
            now.truncatedTo(ChronoUnit.HOURS)));
        dao.insertSeats(seats(id, seatsPerPerformance));
      }
      return true;
    });
  }

  /**
   * Adds one more performance of the demo concert with {@code seats} seats, on sale now: the
   * on-sale bench gives every run a venue of its own. The demo concert must exist.
   */
  public static void addPerformance(Jdbi jdbi, String performanceId, int seats, Instant now) {
    jdbi.useTransaction(handle -> {
      CatalogDao dao = handle.attach(CatalogDao.class);
      dao.insertPerformance(new Performance(performanceId, CONCERT_ID, "KSPO Dome, Seoul",
          now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(60)), now.minusSeconds(1)));
      dao.insertSeats(seats(performanceId, seats));
    });
  }

  /** Sections A, B, C... of 100 seats; the front sections cost more. */
  static List<Seat> seats(String performanceId, int count) {
    List<Seat> seats = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      int sectionIndex = n / SEATS_PER_SECTION;
      String section = sectionName(sectionIndex);
      String seatId = section + "-" + (n % SEATS_PER_SECTION + 1);
      long price = sectionIndex < 2 ? 165_000 : sectionIndex < 5 ? 143_000 : 99_000;
      seats.add(new Seat(performanceId, seatId, "Section " + section + ", seat "
          + (n % SEATS_PER_SECTION + 1), section, price));
    }
    return seats;
  }

  private static String sectionName(int index) {
    StringBuilder name = new StringBuilder();
    int i = index;
    do {
      name.insert(0, (char) ('A' + i % 26));
      i = i / 26 - 1;
    } while (i >= 0);
    return name.toString();
  }
}
