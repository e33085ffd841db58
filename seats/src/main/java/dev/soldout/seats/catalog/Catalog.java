package dev.soldout.seats.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads the catalog. Seats of a performance are cached: they do not change during an on-sale,
 * and every hold, payment and seat map needs them, so the database is asked once per performance.
 */
public class Catalog {
  private final Jdbi jdbi;
  private final Map<String, PerformanceSeats> seatsByPerformance = new ConcurrentHashMap<>();

  public Catalog(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public List<Concert> concerts() {
    return jdbi.withExtension(CatalogDao.class, dao -> {
      Map<String, List<Performance>> byConcert = dao.performances().stream()
          .collect(Collectors.groupingBy(Performance::concertId));
      return dao.concerts().stream()
          .map(c -> new Concert(c.concertId(), c.title(), c.artist(),
              byConcert.getOrDefault(c.concertId(), List.of())))
          .toList();
    });
  }

  public Optional<Concert> concert(String concertId) {
    return concerts().stream().filter(c -> c.concertId().equals(concertId)).findFirst();
  }

  public Optional<Performance> performance(String performanceId) {
    return jdbi.withExtension(CatalogDao.class, dao -> dao.performance(performanceId));
  }

  /** The seats of a performance, or empty when the performance does not exist. */
  public Optional<PerformanceSeats> seats(String performanceId) {
    PerformanceSeats cached = seatsByPerformance.get(performanceId);
    if (cached != null) {
      return Optional.of(cached);
    }
    return performance(performanceId).map(p -> seatsByPerformance.computeIfAbsent(performanceId,
        id -> new PerformanceSeats(jdbi.withExtension(CatalogDao.class, dao -> dao.seats(id)))));
  }

  public Optional<Seat> seat(String performanceId, String seatId) {
    return seats(performanceId).flatMap(s -> s.seat(seatId));
  }
}
