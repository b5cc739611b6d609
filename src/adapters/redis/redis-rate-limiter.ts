import type { Redis } from 'ioredis';
import { UnavailableError } from '../../domain/errors';
import type { RateLimitDecision, RateLimiter } from '../../ports/rate-limiter';
import { luaCommand, type LuaCommand } from './lua-command';

// Fixed window: the first hit of a window starts its expiry; the counter and the remaining
// time come back in one round trip, atomically.
const CONSUME = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`;

/** Counters in Redis, shared by every controller process. */
export class RedisRateLimiter implements RateLimiter {
  private readonly consumeScript: LuaCommand;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.consumeScript = luaCommand(redis, 'ccRateConsume', CONSUME);
  }

  async consume(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    let reply: unknown;
    try {
      reply = await this.consumeScript([`${this.prefix}:rl:${key}`], [String(windowSeconds * 1000)]);
    } catch {
      throw new UnavailableError('the rate limiter is unavailable');
    }
    const [count, ttlMs] = reply as [number, number];
    return {
      allowed: count <= limit,
      remaining: Math.max(0, limit - count),
      retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    };
  }
}
