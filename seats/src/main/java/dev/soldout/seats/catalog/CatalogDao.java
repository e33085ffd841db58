package dev.soldout.seats.catalog;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of the catalog aggregate: concerts, their performances, and their seats. */
@RegisterConstructorMapper(Performance.class)
@RegisterConstructorMapper(Seat.class)
public interface CatalogDao {
  record ConcertRow(String concertId, String title, String artist) {}

  @SqlQuery("SELECT concert_id, title, artist FROM concerts ORDER BY concert_id")
  @RegisterConstructorMapper(ConcertRow.class)
  List<ConcertRow> concerts();

  @SqlQuery("SELECT concert_id, title, artist FROM concerts WHERE concert_id = :id")
  @RegisterConstructorMapper(ConcertRow.class)
  Optional<ConcertRow> concert(@Bind("id") String concertId);

  @SqlQuery("SELECT performance_id, concert_id, venue, starts_at, sale_opens_at FROM performances"
      + " ORDER BY starts_at, performance_id")
  List<Performance> performances();

  @SqlQuery("SELECT performance_id, concert_id, venue, starts_at, sale_opens_at FROM performances"
      + " WHERE performance_id = :id")
  Optional<Performance> performance(@Bind("id") String performanceId);

  @SqlQuery("SELECT performance_id, seat_id, label, section, price FROM seats"
      + " WHERE performance_id = :id ORDER BY section, seat_id")
  List<Seat> seats(@Bind("id") String performanceId);

  @SqlUpdate("INSERT INTO concerts (concert_id, title, artist) VALUES (:concertId, :title, :artist)")
  void insertConcert(@BindMethods ConcertRow concert);

  @SqlUpdate("INSERT INTO performances (performance_id, concert_id, venue, starts_at, sale_opens_at)"
      + " VALUES (:performanceId, :concertId, :venue, :startsAt, :saleOpensAt)")
  void insertPerformance(@BindMethods Performance performance);

  @SqlBatch("INSERT INTO seats (performance_id, seat_id, label, section, price)"
      + " VALUES (:performanceId, :seatId, :label, :section, :price)")
  void insertSeats(@BindMethods List<Seat> seats);
}
