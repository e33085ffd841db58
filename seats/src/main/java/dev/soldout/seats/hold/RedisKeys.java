package dev.soldout.seats.hold;

import dev.soldout.events.SeatKey;

/**
 * Key layout in Redis, under a namespace so that tests and several deployments can share one
 * server. {@code hold:seat:} maps a seat to the hold id that guards it (SET NX PX);
 * {@code hold:} a hold id to its details; {@code fence:} counts holds per seat (the fencing
 * token); {@code sold:} marks a seat sold by a transaction.
 */
record RedisKeys(String namespace) {
  String seatHold(SeatKey seat) {
    return namespace + "hold:seat:" + seat.asString();
  }

  String hold(String holdId) {
    return namespace + "hold:" + holdId;
  }

  String fence(SeatKey seat) {
    return namespace + "fence:" + seat.asString();
  }

  String sold(SeatKey seat) {
    return namespace + "sold:" + seat.asString();
  }
}
