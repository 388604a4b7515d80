import type { Redis } from 'ioredis';
import type { ConnectionRegistry, SlotKey, SlotRequest, SlotResult } from '../seams/index.js';
import type { RedisKeys } from './redis-keys.js';
import { defineScript, LUA_NOW_MS, type RedisScript } from './redis-script.js';

/**
 * How long a user's keys outlive their longest lease. Past it every slot they hold has
 * expired, so the keys go; the margin only keeps a key from going before its last lease.
 */
const KEY_GRACE_MS = 1_000;

/** Slots renewed per script call: one round trip each, short enough not to stall Redis. */
const RENEW_BATCH = 256;

/**
 * What every registry script shares. KEYS come in pairs per user: the lease ZSET
 * (connection → lease expiry, ms on Redis's clock) and the order ZSET (connection →
 * acquire sequence). Both always hold the same connections.
 */
const LUA_SLOTS = `${LUA_NOW_MS}
local function dropExpired(lease, order, now)
  local expired = redis.call('ZRANGEBYSCORE', lease, '-inf', now)
  if #expired == 0 then return end
  for _, connection in ipairs(expired) do redis.call('ZREM', order, connection) end
  redis.call('ZREMRANGEBYSCORE', lease, '-inf', now)
end
local function keepUntilLastLease(lease, order, now)
  local last = redis.call('ZRANGE', lease, -1, -1, 'WITHSCORES')
  if #last == 0 then return end
  local ttl = tonumber(last[2]) - now + ${KEY_GRACE_MS}
  redis.call('PEXPIRE', lease, ttl)
  redis.call('PEXPIRE', order, ttl)
end
`;

/**
 * KEYS lease, order; ARGV connectionId, max, policy, leaseMs.
 * Returns {1, evicted...} when admitted, {0, held} when refused. A connection already
 * held is renewed and keeps its place; a new one is numbered after the newest, so the
 * oldest is the lowest number whatever the leases say. Eviction counts only what the
 * lease set still held, and falls back to the earliest-expiring lease when the order set
 * has none left, so the cap holds even if the two sets ever disagreed.
 */
const ACQUIRE_LUA = `${LUA_SLOTS}
local lease, order = KEYS[1], KEYS[2]
local connection, max, policy, leaseMs = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local now = nowMs()
dropExpired(lease, order, now)
if redis.call('ZSCORE', lease, connection) then
  redis.call('ZADD', lease, now + leaseMs, connection)
  keepUntilLastLease(lease, order, now)
  return {1}
end
local held = redis.call('ZCARD', lease)
if held >= max and policy == 'reject' then return {0, held} end
local reply = {1}
while held >= max do
  local oldest = redis.call('ZRANGE', order, 0, 0)[1] or redis.call('ZRANGE', lease, 0, 0)[1]
  if not oldest then break end
  redis.call('ZREM', order, oldest)
  if redis.call('ZREM', lease, oldest) == 1 then
    reply[#reply + 1] = oldest
    held = held - 1
  end
end
local newest = redis.call('ZRANGE', order, -1, -1, 'WITHSCORES')
local sequence = 1
if newest[2] then sequence = tonumber(newest[2]) + 1 end
redis.call('ZADD', order, sequence, connection)
redis.call('ZADD', lease, now + leaseMs, connection)
keepUntilLastLease(lease, order, now)
return reply
`;

/**
 * KEYS lease1, order1, lease2, order2…; ARGV leaseMs, connection1, connection2….
 * Extends every slot still held; returns the 1-based indexes of those that had expired,
 * which are dropped and not taken again.
 */
const RENEW_LUA = `${LUA_SLOTS}
local leaseMs = tonumber(ARGV[1])
local now = nowMs()
local lapsed = {}
for i = 1, #KEYS / 2 do
  local lease, order, connection = KEYS[2 * i - 1], KEYS[2 * i], ARGV[i + 1]
  local expiresAt = tonumber(redis.call('ZSCORE', lease, connection))
  if expiresAt and expiresAt > now then
    redis.call('ZADD', lease, now + leaseMs, connection)
    keepUntilLastLease(lease, order, now)
  else
    if expiresAt then
      redis.call('ZREM', lease, connection)
      redis.call('ZREM', order, connection)
    end
    lapsed[#lapsed + 1] = i
  end
end
return lapsed
`;

/** KEYS lease, order; ARGV connectionId. Frees the slot; ZSETs left empty vanish on their own. */
const RELEASE_LUA = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 0
`;

/** KEYS lease. The slots whose lease ends after now. */
const COUNT_LUA = `${LUA_NOW_MS}
return redis.call('ZCOUNT', KEYS[1], '(' .. nowMs(), '+inf')
`;

/**
 * Connection slots shared by every node, two sorted sets per user:
 * `<prefix>:slots:lease:<user>` scores each connection with its lease expiry, so expired
 * slots are found and counted by range in O(log n); `<prefix>:slots:order:<user>` scores
 * it with its acquire sequence, so `evict-oldest` frees the one acquired first even when
 * a renewal has given it the latest expiry. One sorted set scored by acquire time plus a
 * hash of expiries would also do, but then dropping expired slots and counting live ones
 * walks the whole hash. Every change is a Lua script on Redis's clock, atomic across
 * nodes. Each write gives both keys a PEXPIRE just past the user's longest lease, so a
 * user whose node died leaves nothing behind.
 */
export class RedisConnectionRegistry implements ConnectionRegistry {
  private readonly acquireScript: RedisScript<[0 | 1, ...(string | number)[]]>;
  private readonly renewScript: RedisScript<number[]>;
  private readonly releaseScript: RedisScript<number>;
  private readonly countScript: RedisScript<number>;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.acquireScript = defineScript(redis, 'switchboardSlotAcquire', ACQUIRE_LUA);
    this.renewScript = defineScript(redis, 'switchboardSlotRenew', RENEW_LUA);
    this.releaseScript = defineScript(redis, 'switchboardSlotRelease', RELEASE_LUA);
    this.countScript = defineScript(redis, 'switchboardSlotCount', COUNT_LUA, { readOnly: true });
  }

  async acquire({ userId, connectionId, max, policy, leaseMs }: SlotRequest): Promise<SlotResult> {
    const [admitted, ...rest] = await this.acquireScript(this.userKeys(userId), [connectionId, max, policy, wholeMs(leaseMs)]);
    if (admitted === 0) return { admitted: false, held: Number(rest[0]) };
    return { admitted: true, evicted: rest.map(String) };
  }

  async renew(slots: SlotKey[], leaseMs: number): Promise<SlotKey[]> {
    const batches: SlotKey[][] = [];
    for (let start = 0; start < slots.length; start += RENEW_BATCH) batches.push(slots.slice(start, start + RENEW_BATCH));
    // Sent together, so a node with many connections pays one round trip, not one per batch.
    const lapsed = await Promise.all(
      batches.map(async (batch) => {
        const keys = batch.flatMap((slot) => this.userKeys(slot.userId));
        const indexes = await this.renewScript(keys, [wholeMs(leaseMs), ...batch.map((slot) => slot.connectionId)]);
        return indexes.map((index) => batch[index - 1]);
      }),
    );
    return lapsed.flat();
  }

  async release(userId: string, connectionId: string): Promise<void> {
    await this.releaseScript(this.userKeys(userId), [connectionId]);
  }

  async count(userId: string): Promise<number> {
    return this.countScript([this.keys.key('slots', 'lease', userId)], []);
  }

  /** The user's lease and order keys; the user id comes last, so any string is safe in it. */
  private userKeys(userId: string): [string, string] {
    return [this.keys.key('slots', 'lease', userId), this.keys.key('slots', 'order', userId)];
  }
}

/** Lease lengths as whole ms: scores stay integers, which Lua prints without rounding. */
function wholeMs(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}
