package dev.soldout.api.hold;

import static dev.soldout.api.http.JsonBody.required;

import dev.soldout.api.http.ApiException;
import dev.soldout.api.http.JsonBody;
import dev.soldout.api.security.FanAuth;
import dev.soldout.seats.catalog.Catalog;
import dev.soldout.seats.hold.Hold;
import dev.soldout.seats.hold.HoldRejectedException;
import dev.soldout.seats.hold.HoldStore;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * POST /holds, GET /holds/{holdId}, DELETE /holds/{holdId}, for the authenticated fan only:
 * another fan's hold answers like a missing one, so hold ids cannot be probed.
 */
public class HoldRoutes {
  record HoldRequest(String performanceId, String seatId, String userId) {}

  private final Catalog catalog;
  private final HoldStore holds;

  public HoldRoutes(Catalog catalog, HoldStore holds) {
    this.catalog = catalog;
    this.holds = holds;
  }

  public void register(JavalinConfig config) {
    config.routes.post("/holds", this::take);
    config.routes.get("/holds/{holdId}", ctx -> ctx.json(own(ctx)));
    config.routes.delete("/holds/{holdId}", this::release);
  }

  private void take(Context ctx) {
    HoldRequest request = JsonBody.read(ctx, HoldRequest.class);
    String performanceId = required(request.performanceId(), "performanceId");
    String seatId = required(request.seatId(), "seatId");
    String userId = FanAuth.fan(ctx, request.userId());
    var seat = catalog.seat(performanceId, seatId).orElseThrow(() -> ApiException.notFound(
        "UNKNOWN_SEAT", "no seat " + seatId + " in performance " + performanceId));
    try {
      ctx.status(201).json(holds.take(seat.key(), userId));
    } catch (HoldRejectedException e) {
      // The contract's SEAT_UNAVAILABLE for a held or sold seat; the message tells which.
      throw ApiException.conflict(e.reason() == HoldRejectedException.Reason.FAN_LIMIT
          ? "HOLD_LIMIT_REACHED" : "SEAT_UNAVAILABLE", e.getMessage());
    }
  }

  private void release(Context ctx) {
    holds.release(own(ctx));
    ctx.status(204);
  }

  /** The fan's own live hold; another fan's answers like a missing one. */
  private Hold own(Context ctx) {
    String fan = FanAuth.fan(ctx, ctx.queryParam("userId"));
    String holdId = ctx.pathParam("holdId");
    return holds.find(holdId).filter(hold -> hold.userId().equals(fan))
        .orElseThrow(() -> notFound(holdId));
  }

  private static ApiException notFound(String holdId) {
    return ApiException.notFound("HOLD_NOT_FOUND", "no live hold " + holdId);
  }
}
