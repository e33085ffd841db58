package dev.soldout.seats.hold;

import dev.soldout.events.SeatKey;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Holds in PostgreSQL, for when Redis cannot be reached: a conditional upsert on the seat's row
 * takes it, so sales go on, more slowly. Hold ids start with {@value #PREFIX}, which tells every
 * later call where the hold lives without asking both stores.
 */
final class DbHolds implements HoldBackend {
  static final String PREFIX = "db-";

  private static final String COLUMNS =
      "hold_id, performance_id, seat_id, user_id, fencing_token, held_at, expires_at";

  private static final RowMapper<Hold> HOLD = (rs, ctx) -> new Hold(rs.getString("hold_id"),
      rs.getString("performance_id"), rs.getString("seat_id"), rs.getString("user_id"),
      rs.getLong("fencing_token"), rs.getTimestamp("held_at").toInstant(),
      rs.getTimestamp("expires_at").toInstant());

  private final Jdbi jdbi;
  private final HoldPolicy policy;

  DbHolds(Jdbi jdbi, HoldPolicy policy) {
    this.jdbi = jdbi;
    this.policy = policy;
  }

  static boolean owns(String holdId) {
    return holdId.startsWith(PREFIX);
  }

  @Override
  public Hold take(SeatKey seat, String userId, String holdId, Instant now) {
    Instant expiresAt = now.plus(policy.ttl());
    return jdbi.inTransaction(h -> {
      if (policy.holdsPerFan() > 0) {
        checkFanLimit(h, seat.performanceId(), userId, now);
      }
      // The row is free when it was never held, was released, or its hold has expired.
      Optional<Long> token = h.createQuery("""
          INSERT INTO seat_holds (performance_id, seat_id, hold_id, user_id, fencing_token,
              held_at, expires_at, paying)
          SELECT :performance, :seat, :hold, :user, :floor, :now, :expires, FALSE
          WHERE NOT EXISTS (SELECT 1 FROM seat_sales
                            WHERE performance_id = :performance AND seat_id = :seat)
          ON CONFLICT (performance_id, seat_id) DO UPDATE SET
              hold_id = EXCLUDED.hold_id, user_id = EXCLUDED.user_id,
              fencing_token = GREATEST(seat_holds.fencing_token + 1, EXCLUDED.fencing_token),
              held_at = EXCLUDED.held_at, expires_at = EXCLUDED.expires_at, paying = FALSE
            WHERE seat_holds.hold_id IS NULL OR seat_holds.expires_at <= EXCLUDED.held_at
          RETURNING fencing_token""")
          .bind("performance", seat.performanceId()).bind("seat", seat.seatId())
          .bind("hold", holdId).bind("user", userId)
          .bind("floor", HoldPolicy.tokenFloor(now.toEpochMilli()))
          .bind("now", now).bind("expires", expiresAt)
          .mapTo(Long.class).findOne();
      if (token.isEmpty()) {
        throw sold(h, seat)
            ? new HoldRejectedException(HoldRejectedException.Reason.SOLD,
                "seat " + seat.asString() + " is sold")
            : new HoldRejectedException(HoldRejectedException.Reason.HELD,
                "seat " + seat.asString() + " is held by another fan");
      }
      return new Hold(holdId, seat.performanceId(), seat.seatId(), userId, token.get(), now,
          expiresAt);
    });
  }

  /** Serialises one fan's takes on one performance, then counts the fan's live holds. */
  private void checkFanLimit(Handle h, String performanceId, String userId, Instant now) {
    h.createQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext(:fan))) lock")
        .bind("fan", performanceId + "/" + userId).mapTo(Long.class).one();
    long live = h.createQuery("""
        SELECT count(*) FROM seat_holds WHERE performance_id = :performance AND user_id = :user
            AND hold_id IS NOT NULL AND expires_at > :now""")
        .bind("performance", performanceId).bind("user", userId).bind("now", now)
        .mapTo(Long.class).one();
    if (live >= policy.holdsPerFan()) {
      throw new HoldRejectedException(HoldRejectedException.Reason.FAN_LIMIT, "you already hold "
          + policy.holdsPerFan() + " seat(s) of performance " + performanceId);
    }
  }

  private static boolean sold(Handle h, SeatKey seat) {
    return h.createQuery("SELECT count(*) FROM seat_sales"
            + " WHERE performance_id = :performance AND seat_id = :seat")
        .bind("performance", seat.performanceId()).bind("seat", seat.seatId())
        .mapTo(Long.class).one() > 0;
  }

  @Override
  public Optional<Hold> find(String holdId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
            + " FROM seat_holds WHERE hold_id = :hold AND expires_at > now()")
        .bind("hold", holdId).map(HOLD).findOne());
  }

  @Override
  public boolean release(SeatKey seat, String holdId) {
    return jdbi.withHandle(h -> h.createUpdate("""
        UPDATE seat_holds SET hold_id = NULL, user_id = NULL, held_at = NULL, expires_at = NULL,
            paying = FALSE
        WHERE performance_id = :performance AND seat_id = :seat AND hold_id = :hold""")
        .bind("performance", seat.performanceId()).bind("seat", seat.seatId())
        .bind("hold", holdId).execute()) > 0;
  }

  @Override
  public boolean keepAlive(String holdId, Instant now) {
    return jdbi.withHandle(h -> h.createUpdate("""
        UPDATE seat_holds SET paying = TRUE, expires_at = :expires
        WHERE hold_id = :hold AND expires_at > :now AND held_at > :oldest""")
        .bind("hold", holdId).bind("now", now).bind("expires", now.plus(policy.ttl()))
        .bind("oldest", now.minus(policy.maxLifetime())).execute()) > 0;
  }

  @Override
  public void stopKeeping(String holdId) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE seat_holds SET paying = FALSE WHERE hold_id = :hold")
        .bind("hold", holdId).execute());
  }

  @Override
  public int heartbeat(Instant now) {
    return jdbi.withHandle(h -> h.createUpdate("""
        UPDATE seat_holds SET expires_at = :expires
        WHERE paying AND hold_id IS NOT NULL AND expires_at > :now AND held_at > :oldest""")
        .bind("now", now).bind("expires", now.plus(policy.ttl()))
        .bind("oldest", now.minus(policy.maxLifetime())).execute());
  }

  @Override
  public List<Hold> takenBefore(Instant heldBefore, Instant now) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM seat_holds"
            + " WHERE hold_id IS NOT NULL AND expires_at > :now AND held_at < :before"
            + " ORDER BY held_at")
        .bind("now", now).bind("before", heldBefore).map(HOLD).list());
  }

  /** Seats of the performance held here right now, for the seat map. */
  Set<String> heldSeats(String performanceId, Instant now) {
    return jdbi.withHandle(h -> new HashSet<>(h.createQuery("""
        SELECT seat_id FROM seat_holds
        WHERE performance_id = :performance AND hold_id IS NOT NULL AND expires_at > :now""")
        .bind("performance", performanceId).bind("now", now).mapTo(String.class).list()));
  }

  /** Every live hold, to put back in front of Redis once it answers again. */
  List<Hold> live(Instant now) {
    return takenBefore(now.plusMillis(1), now);
  }
}
