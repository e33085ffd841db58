package dev.soldout.seats.hold;

/**
 * Lua scripts: each check-and-change on a seat happens atomically inside Redis. Tokens are
 * written with {@code %.0f}: Lua numbers are doubles, and their default formatting would round
 * a 16-digit token.
 */
final class HoldScripts {
  private HoldScripts() {}

  /**
   * KEYS: seat hold, fence, sold, hold record, fan's holds, index. ARGV: hold id, ttl ms,
   * performance, seat, user, now ms, token floor, holds per fan (0: no limit). Returns the
   * fencing token, -1 if the seat is held, -2 if it is sold, -3 if the fan holds enough seats.
   *
   * <p>The token is at least the floor (the time in microseconds): it keeps growing when holds
   * move between Redis and the database fallback, and after a failover rolled the counter back.
   */
  static final String TAKE = """
      if redis.call('EXISTS', KEYS[3]) == 1 then return -2 end
      local ttl = tonumber(ARGV[2])
      local now = tonumber(ARGV[6])
      if tonumber(ARGV[8]) > 0 then
        redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
        if redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[8]) then return -3 end
      end
      if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ttl) then return -1 end
      local token = redis.call('INCR', KEYS[2])
      if token < tonumber(ARGV[7]) then
        redis.call('SET', KEYS[2], ARGV[7])
        token = tonumber(ARGV[7])
      end
      redis.call('HSET', KEYS[4], 'performanceId', ARGV[3], 'seatId', ARGV[4], 'userId', ARGV[5],
          'fencingToken', string.format('%.0f', token), 'heldAtMs', ARGV[6],
          'expiresAtMs', string.format('%.0f', now + ttl), 'seatKey', KEYS[1], 'fanKey', KEYS[5])
      redis.call('PEXPIRE', KEYS[4], ttl)
      redis.call('ZADD', KEYS[5], now + ttl, ARGV[1])
      if redis.call('PTTL', KEYS[5]) < ttl then redis.call('PEXPIRE', KEYS[5], ttl) end
      redis.call('ZADD', KEYS[6], now, ARGV[1])
      return token
      """;

  /**
   * Compare-and-delete: KEYS seat hold, hold record, paying, index; ARGV hold id. Frees the seat
   * only if this hold still guards it, so a late release can never free another fan's newer hold.
   */
  static final String RELEASE = """
      local released = 0
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        redis.call('DEL', KEYS[1])
        released = 1
      end
      local fan = redis.call('HGET', KEYS[2], 'fanKey')
      if fan then redis.call('ZREM', fan, ARGV[1]) end
      redis.call('DEL', KEYS[2])
      redis.call('ZREM', KEYS[3], ARGV[1])
      redis.call('ZREM', KEYS[4], ARGV[1])
      return released
      """;

  /** RELEASE, after marking the seat sold (KEYS[5], no TTL) by the tx id ARGV[2]. */
  static final String MARK_SOLD = "redis.call('SET', KEYS[5], ARGV[2])\n" + RELEASE;

  /**
   * Extends one hold by the TTL if it still guards its seat and is younger than its maximum
   * lifetime, so that a payment stuck for ever cannot keep a seat for ever.
   * Arguments: hold key, hold id, ttl ms, now ms, max lifetime ms.
   */
  private static final String EXTEND = """
      local function extend(holdKey, holdId, ttl, now, maxLife)
        local f = redis.call('HMGET', holdKey, 'seatKey', 'fanKey', 'heldAtMs')
        if not f[1] or redis.call('GET', f[1]) ~= holdId then return false end
        if now - tonumber(f[3]) > maxLife then return false end
        redis.call('PEXPIRE', f[1], ttl)
        redis.call('PEXPIRE', holdKey, ttl)
        redis.call('HSET', holdKey, 'expiresAtMs', string.format('%.0f', now + ttl))
        redis.call('ZADD', f[2], now + ttl, holdId)
        if redis.call('PTTL', f[2]) < ttl then redis.call('PEXPIRE', f[2], ttl) end
        return true
      end
      """;

  /**
   * KEYS paying; ARGV hold key prefix, ttl ms, now ms, max lifetime ms, hold id. Starts keeping
   * the hold alive while its payment is in flight; 1 if it is, 0 if it is gone or too old.
   */
  static final String KEEP = EXTEND + """
      local ttl, now, maxLife = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
      if extend(ARGV[1] .. ARGV[5], ARGV[5], ttl, now, maxLife) then
        redis.call('ZADD', KEYS[1], now, ARGV[5])
        return 1
      end
      redis.call('ZREM', KEYS[1], ARGV[5])
      return 0
      """;

  /**
   * KEYS paying; ARGV hold key prefix, ttl ms, now ms, max lifetime ms. The heartbeat: extends
   * every hold whose payment is in flight and forgets those that are gone. Returns how many live.
   */
  static final String HEARTBEAT = EXTEND + """
      local ttl, now, maxLife = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
      local kept = 0
      for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
        if extend(ARGV[1] .. id, id, ttl, now, maxLife) then
          kept = kept + 1
        else
          redis.call('ZREM', KEYS[1], id)
        end
      end
      return kept
      """;

  /**
   * KEYS index; ARGV hold key prefix, cutoff ms. Holds taken before the cutoff whose record is
   * gone have expired (releases and sales leave the index themselves): counts and forgets them.
   */
  static final String SWEEP_EXPIRED = """
      local gone = 0
      for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, 1000)) do
        if redis.call('EXISTS', ARGV[1] .. id) == 0 then
          redis.call('ZREM', KEYS[1], id)
          gone = gone + 1
        end
      end
      return gone
      """;

  /** KEYS seat hold; ARGV hold id, ttl ms. Puts a hold taken in the fallback back in front. */
  static final String ADOPT = """
      return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
      """;
}
