package dev.soldout.seats.queue;

/**
 * Lua scripts of the waiting room: each read-and-change of a queue is atomic inside Redis, so
 * any number of instances share one queue. Times are epoch milliseconds from the caller.
 */
final class QueueScripts {
  private QueueScripts() {}

  /**
   * KEYS waiting, admitted, joined, seq, active. ARGV user, now, sale opens at, draw, performance.
   * Returns {1, session end} for an admitted fan, else {0, rank}: joining twice keeps the place.
   * Before the open a fan takes the draw as score (the shuffle), after it the next number.
   */
  static final String JOIN = """
      local now = tonumber(ARGV[2])
      local ends = redis.call('ZSCORE', KEYS[2], ARGV[1])
      if ends and tonumber(ends) > now then return {1, ends} end
      local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
      if rank then return {0, rank} end
      local score = ARGV[4]
      if now >= tonumber(ARGV[3]) then score = redis.call('INCR', KEYS[4]) end
      redis.call('ZADD', KEYS[1], score, ARGV[1])
      redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
      redis.call('SADD', KEYS[5], ARGV[5])
      return {0, redis.call('ZRANK', KEYS[1], ARGV[1])}
      """;

  /**
   * KEYS waiting, admitted, sessions. ARGV user, now. Returns {1, session end, session id},
   * {0, rank} while waiting, or {2} when the fan is in neither (session over, left, never joined).
   */
  static final String STATUS = """
      local ends = redis.call('ZSCORE', KEYS[2], ARGV[1])
      if ends and tonumber(ends) > tonumber(ARGV[2]) then
        return {1, ends, redis.call('HGET', KEYS[3], ARGV[1]) or '0'}
      end
      local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
      if rank then return {0, rank} end
      return {2}
      """;

  /**
   * One admission tick. KEYS waiting, admitted, joined, sessions, session-seq, bucket. ARGV now,
   * admit per second, max admitted, session ms, sale opens at. Frees ended sessions, then admits
   * the first fans in line as far as the rate's allowance (at most one second's worth saved up)
   * and the cap allow. Returns {admitted, sessions ended, join time of each admitted fan...}.
   */
  static final String ADMIT = """
      local now, rate, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
      local ended = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
      for _, user in ipairs(ended) do
        redis.call('ZREM', KEYS[2], user)
        redis.call('HDEL', KEYS[4], user)
      end
      if now < tonumber(ARGV[5]) then
        redis.call('HSET', KEYS[6], 'allowance', 0, 'at', now)
        return {0, #ended}
      end
      local b = redis.call('HMGET', KEYS[6], 'allowance', 'at')
      local allowance = tonumber(b[1]) or 0
      local at = tonumber(b[2]) or now
      allowance = math.min(rate, allowance + math.max(0, now - at) * rate / 1000)
      -- The epsilon keeps 0.3 + 0.7 = 0.9999... from losing a fan to rounding.
      local n = math.min(math.floor(allowance + 1e-9), cap - redis.call('ZCARD', KEYS[2]),
          redis.call('ZCARD', KEYS[1]))
      local out = {0, #ended}
      if n > 0 then
        local popped = redis.call('ZPOPMIN', KEYS[1], n)
        for i = 1, #popped, 2 do
          local user = popped[i]
          redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), user)
          redis.call('HSET', KEYS[4], user, redis.call('INCR', KEYS[5]))
          out[#out + 1] = redis.call('HGET', KEYS[3], user) or ARGV[1]
          redis.call('HDEL', KEYS[3], user)
        end
        out[1] = #popped / 2
        allowance = allowance - out[1]
      end
      redis.call('HSET', KEYS[6], 'allowance', string.format('%.6f', allowance), 'at', now)
      return out
      """;

  /** KEYS waiting, admitted, joined, sessions. ARGV user. Leaves the line or ends the session. */
  static final String LEAVE = """
      local left = redis.call('ZREM', KEYS[1], ARGV[1]) + redis.call('ZREM', KEYS[2], ARGV[1])
      redis.call('HDEL', KEYS[3], ARGV[1])
      redis.call('HDEL', KEYS[4], ARGV[1])
      return left
      """;

  /**
   * KEYS admitted, sessions. ARGV user, payment ended at, session ms. Ends the fan's session if
   * it began before the payment ended: a replayed old payment never ends a newer session.
   */
  static final String PAYMENT_ENDED = """
      local ends = redis.call('ZSCORE', KEYS[1], ARGV[1])
      if ends and tonumber(ends) - tonumber(ARGV[3]) <= tonumber(ARGV[2]) then
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        return 1
      end
      return 0
      """;

  /** KEYS waiting, admitted. ARGV now. Returns {waiting, sessions running}. */
  static final String COUNTS = """
      return {redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[1], '+inf')}
      """;

  /** KEYS lease. ARGV holder, ttl ms. Takes or renews the lease; 1 if the caller holds it. */
  static final String LEASE = """
      local holder = redis.call('GET', KEYS[1])
      if holder == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      end
      if not holder then
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
      end
      return 0
      """;
}
