import { fullAfterMs } from '@switchboard/protocol';
import type { Redis } from 'ioredis';
import type { BucketPolicy, RateDecision, RateLimiter } from '../seams/index.js';
import type { RedisKeys } from './redis-keys.js';
import { defineScript, LUA_NOW_MS, type RedisScript } from './redis-script.js';

/**
 * One step of a token bucket, the arithmetic of the protocol's `takeToken`
 * (libs/protocol/src/token-bucket.ts) in Lua: a missing bucket is full; refill is
 * continuous at `refill / intervalMs` per ms, capped at `capacity`, and a clock going
 * backwards adds none; a refusal says how many ms until a whole token is there.
 * KEYS[1] the bucket hash (`tokens`, `at`); ARGV capacity, refill, intervalMs, idleMs.
 * Returns 0 when a token was taken, else retryAfterMs (at least 1).
 * The state is written with %.17g: Lua's default number-to-string keeps 14 digits, which
 * would round the fraction of a token away on every step.
 */
const TAKE_TOKEN_LUA = `${LUA_NOW_MS}
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local intervalMs = tonumber(ARGV[3])
local now = nowMs()
local perMs = refill / intervalMs
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
local held, at = tonumber(state[1]), tonumber(state[2])
if held and at then
  tokens = math.min(capacity, held + (math.max(0, now - at) * refill) / intervalMs)
end
local retryAfterMs = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  retryAfterMs = math.max(1, math.ceil((1 - tokens) / perMs))
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return retryAfterMs
`;

/**
 * Token buckets shared by every node: `<prefix>:rate:<namespace>:<key>` is a hash holding
 * the tokens left and when, and one script (on Redis's clock, so nodes with skewed clocks
 * agree) refills and takes atomically. Each write sets a PEXPIRE of the time an untouched
 * bucket needs to fill up again: a missing bucket reads as full, so an idle one vanishes
 * without changing any answer and nothing has to sweep.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly takeToken: RedisScript<number>;
  private readonly args: readonly number[];

  /**
   * @param namespace keeps this limiter's buckets apart from other limiters' (`handshake-ip`,
   * `messages`, …); it never holds `:`, so the key that follows it may (an IPv6 address).
   */
  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
    private readonly namespace: string,
    policy: BucketPolicy,
  ) {
    this.takeToken = defineScript<number>(redis, 'switchboardRateTakeToken', TAKE_TOKEN_LUA);
    this.args = [policy.capacity, policy.refill, policy.intervalMs, Math.max(1, fullAfterMs(policy))];
  }

  async consume(key: string): Promise<RateDecision> {
    const retryAfterMs = await this.takeToken([this.keys.key('rate', this.namespace, key)], this.args);
    return retryAfterMs === 0 ? { allowed: true } : { allowed: false, retryAfterMs };
  }
}
