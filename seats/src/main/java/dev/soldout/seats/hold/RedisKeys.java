package dev.soldout.seats.hold;

import dev.soldout.events.SeatKey;

/**
 * Key layout in Redis, under a namespace so that tests and several deployments can share one
 * server. {@code hold:seat:} maps a seat to the hold id that guards it (SET NX PX);
 * {@code hold:} a hold id to its details; {@code fence:} the seat's last fencing token;
 * {@code sold:} marks a seat sold by a transaction; {@code fan:} a fan's live holds of one
 * performance (scored by expiry); {@code paying} the holds whose payment is in flight (kept alive
 * by the heartbeat); {@code holds} every hold by the time it was taken (for ops and expiry counts);
 * {@code sold-marks-here} that the sold marks are complete.
 */
record RedisKeys(String namespace) {
  String seatHold(SeatKey seat) {
    return namespace + "hold:seat:" + seat.asString();
  }

  String hold(String holdId) {
    return holdPrefix() + holdId;
  }

  /** Scripts that walk many holds build each hold's key from this prefix. */
  String holdPrefix() {
    return namespace + "hold:";
  }

  String fence(SeatKey seat) {
    return namespace + "fence:" + seat.asString();
  }

  String sold(SeatKey seat) {
    return namespace + "sold:" + seat.asString();
  }

  String fan(String performanceId, String userId) {
    return namespace + "fan:" + performanceId + "/" + userId;
  }

  String paying() {
    return namespace + "paying";
  }

  String index() {
    return namespace + "holds";
  }

  /** Present while Redis still has the sold marks; gone after a restart that lost its data. */
  String soldMarksHere() {
    return namespace + "sold-marks-here";
  }
}
