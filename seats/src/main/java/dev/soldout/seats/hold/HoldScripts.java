package dev.soldout.seats.hold;

/** Lua scripts: each check-and-change on a seat happens atomically inside Redis. */
final class HoldScripts {
  private HoldScripts() {}

  /**
   * KEYS: seat hold, fence, sold, hold record. ARGV: hold id, ttl ms, performance, seat, user,
   * expiresAt. Returns the fencing token, -1 if the seat is held, -2 if it is sold.
   */
  static final String TAKE = """
      if redis.call('EXISTS', KEYS[3]) == 1 then return -2 end
      if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
      local token = redis.call('INCR', KEYS[2])
      redis.call('HSET', KEYS[4], 'performanceId', ARGV[3], 'seatId', ARGV[4], 'userId', ARGV[5],
          'fencingToken', token, 'expiresAt', ARGV[6])
      redis.call('PEXPIRE', KEYS[4], ARGV[2])
      return token
      """;

  /**
   * Compare-and-delete: KEYS seat hold, hold record; ARGV hold id. Frees the seat only if this
   * hold still guards it, so a late release can never free another fan's newer hold.
   */
  static final String RELEASE = """
      local released = 0
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        redis.call('DEL', KEYS[1])
        released = 1
      end
      redis.call('DEL', KEYS[2])
      return released
      """;

  /** KEYS seat hold, hold record, sold; ARGV hold id, tx id. The sold mark has no TTL. */
  static final String MARK_SOLD = """
      redis.call('SET', KEYS[3], ARGV[2])
      if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
      redis.call('DEL', KEYS[2])
      return 1
      """;
}
