package dev.soldout.bench.rush;

import java.util.List;
import java.util.Random;

/**
 * The seats the fans still believe free, as a seat map kept fresh by what the fans hear: a seat
 * leaves when someone holds it or a fan is told it is taken. Fans pick at random among the rest,
 * so they still race each other for the same seat, as real fans clicking the same map do.
 */
public final class SeatPool {
  /** A seat as the fans' seat map shows it; {@code index} is its place in the map. */
  public record Seat(int index, String seatId, long price) {}

  /** The seats of a {@code GET /performances/{id}/seats} answer. */
  public static List<Seat> fromSeatMap(com.fasterxml.jackson.databind.JsonNode seatMap) {
    List<Seat> seats = new java.util.ArrayList<>();
    for (var seat : seatMap) {
      seats.add(new Seat(seats.size(), seat.path("seatId").asText(),
          seat.path("price").asLong()));
    }
    return seats;
  }

  private final Seat[] all;
  private final int[] free;
  private final int[] position;
  private int size;

  SeatPool(List<Seat> seats) {
    this.all = seats.toArray(Seat[]::new);
    this.free = new int[all.length];
    this.position = new int[all.length];
    for (int i = 0; i < all.length; i++) {
      free[i] = i;
      position[i] = i;
    }
    this.size = all.length;
  }

  /** A random seat believed free, or null when none is. */
  synchronized Seat pick(Random random) {
    return size == 0 ? null : all[free[random.nextInt(size)]];
  }

  synchronized void taken(Seat seat) {
    int at = position[seat.index()];
    if (at >= size || free[at] != seat.index()) {
      return;
    }
    int last = free[--size];
    free[at] = last;
    position[last] = at;
    free[size] = seat.index();
    position[seat.index()] = size;
  }

  /** A seat the seat map shows AVAILABLE again (its hold expired or its payment failed). */
  synchronized void available(String seatId) {
    for (Seat seat : all) {
      if (seat.seatId().equals(seatId)) {
        int at = position[seat.index()];
        if (at >= size) {
          int first = free[size];
          free[at] = first;
          position[first] = at;
          free[size] = seat.index();
          position[seat.index()] = size;
          size++;
        }
        return;
      }
    }
  }

  synchronized int freeCount() {
    return size;
  }
}
