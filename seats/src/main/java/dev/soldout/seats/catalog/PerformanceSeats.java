package dev.soldout.seats.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The seats of one performance, in catalog order, with lookup by id. */
public final class PerformanceSeats {
  private final List<Seat> ordered;
  private final Map<String, Seat> byId = new LinkedHashMap<>();

  PerformanceSeats(List<Seat> seats) {
    this.ordered = List.copyOf(seats);
    seats.forEach(seat -> byId.put(seat.seatId(), seat));
  }

  public List<Seat> all() {
    return ordered;
  }

  public Optional<Seat> seat(String seatId) {
    return Optional.ofNullable(byId.get(seatId));
  }
}
