package dev.soldout.api.catalog;

import dev.soldout.api.http.ApiException;
import dev.soldout.seats.catalog.Catalog;
import dev.soldout.seats.catalog.PerformanceSeats;
import dev.soldout.seats.catalog.Seat;
import dev.soldout.seats.hold.HoldStore;
import dev.soldout.seats.hold.SeatState;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** Concerts, performances, and the seat map with live status. */
public class CatalogRoutes {
  /** One seat of the seat map. */
  public record SeatView(String seatId, String label, String section, long price, SeatState status) {}

  private final Catalog catalog;
  private final HoldStore holds;

  public CatalogRoutes(Catalog catalog, HoldStore holds) {
    this.catalog = catalog;
    this.holds = holds;
  }

  public void register(JavalinConfig config) {
    config.routes.get("/concerts", ctx -> ctx.json(catalog.concerts()));
    config.routes.get("/concerts/{concertId}", ctx -> ctx.json(
        catalog.concert(ctx.pathParam("concertId")).orElseThrow(() -> ApiException.notFound(
            "UNKNOWN_CONCERT", "no concert " + ctx.pathParam("concertId")))));
    config.routes.get("/performances/{performanceId}/seats", this::seatMap);
  }

  private void seatMap(Context ctx) {
    String performanceId = ctx.pathParam("performanceId");
    PerformanceSeats seats = catalog.seats(performanceId).orElseThrow(() ->
        ApiException.notFound("UNKNOWN_PERFORMANCE", "no performance " + performanceId));
    List<Seat> all = seats.all();
    List<SeatState> states = holds.states(all.stream().map(Seat::key).toList());
    List<SeatView> view = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      Seat seat = all.get(i);
      view.add(new SeatView(seat.seatId(), seat.label(), seat.section(), seat.price(),
          states.get(i)));
    }
    ctx.json(view);
  }
}
