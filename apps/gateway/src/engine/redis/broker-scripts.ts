import type { Redis } from 'ioredis';
import type { Publication } from '../seams/index.js';
import { redisCall } from './redis-failure.js';

/**
 * The channel broker's Lua scripts. Each runs atomically in Redis, so concurrent publishers
 * on every node agree on one order; time is Redis's (`TIME`), so every node ages history alike.
 *
 * A history entry is the text `<ts>:<offset>:<payloadJson>`: the byte size of the payload is
 * the entry's length minus its prefix, so trimming by bytes needs no JSON decoding in Lua.
 */

/** Lua shared by both scripts: Redis time in ms, and the parts of one history entry. */
const COMMON = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function parse(entry)
  local a = string.find(entry, ':', 1, true)
  local b = string.find(entry, ':', a + 1, true)
  return tonumber(string.sub(entry, 1, a - 1)), b
end
-- Drops entries from the oldest end while over count/bytes or older than cutoff; returns bytes left.
local function trim(hist, bytes, size, max_bytes, cutoff)
  local len = redis.call('LLEN', hist)
  while len > 0 do
    local head = redis.call('LINDEX', hist, 0)
    local ts, b = parse(head)
    if len <= size and bytes <= max_bytes and ts > cutoff then break end
    redis.call('LPOP', hist)
    bytes = bytes - (#head - b)
    len = len - 1
  end
  if len == 0 then bytes = 0 end
  return bytes
end
-- The stream's epoch, created from the candidate when the stream has none. History left
-- without its meta hash belongs to a lost epoch and goes with it.
local function ensure_epoch(meta, hist, candidate)
  local epoch = redis.call('HGET', meta, 'epoch')
  if epoch then return epoch end
  redis.call('HSET', meta, 'epoch', candidate, 'offset', 0, 'bytes', 0)
  redis.call('DEL', hist)
  return candidate
end
`;

/**
 * KEYS: meta hash, history list, idempotency key (ignored unless ARGV[7] is '1').
 * ARGV: payloadJson, candidate epoch, history size, ttlMs, maxBytes, idempotency window ms,
 * use idempotency ('1'|'0'), stream idle ms, pub/sub channel, channel name.
 * Returns { epoch, offset, duplicate (0|1) }.
 */
const PUBLISH_LUA = `${COMMON}
local meta, hist, idem = KEYS[1], KEYS[2], KEYS[3]
local payload = ARGV[1]
local size, ttl, max_bytes = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local use_idem = ARGV[7] == '1'
if use_idem then
  local seen = redis.call('GET', idem)
  if seen then
    local sep = string.find(seen, ':', 1, true)
    return { string.sub(seen, 1, sep - 1), tonumber(string.sub(seen, sep + 1)), 1 }
  end
end
local now = now_ms()
local epoch = ensure_epoch(meta, hist, ARGV[2])
local offset = redis.call('HINCRBY', meta, 'offset', 1)
if size > 0 then
  local bytes = tonumber(redis.call('HGET', meta, 'bytes') or '0')
  if redis.call('EXISTS', hist) == 0 then bytes = 0 end
  redis.call('RPUSH', hist, now .. ':' .. offset .. ':' .. payload)
  bytes = trim(hist, bytes + #payload, size, max_bytes, now - ttl)
  redis.call('HSET', meta, 'bytes', bytes)
  if bytes > 0 then redis.call('PEXPIRE', hist, ttl) end
end
redis.call('PEXPIRE', meta, ARGV[8])
if use_idem then redis.call('SET', idem, epoch .. ':' .. offset, 'PX', ARGV[6]) end
redis.call('PUBLISH', ARGV[9], cjson.encode({ channel = ARGV[10], epoch = epoch, offset = offset, ts = now, payloadJson = payload }))
return { epoch, offset, 0 }
`;

/**
 * KEYS: meta hash, history list. ARGV: candidate epoch, history size, ttlMs, maxBytes, stream idle ms.
 * Drops expired entries, then returns { epoch, offset, entries oldest first }.
 */
const HISTORY_LUA = `${COMMON}
local meta, hist = KEYS[1], KEYS[2]
local epoch = ensure_epoch(meta, hist, ARGV[1])
redis.call('PEXPIRE', meta, ARGV[5])
local offset = tonumber(redis.call('HGET', meta, 'offset'))
local bytes = tonumber(redis.call('HGET', meta, 'bytes') or '0')
local left = trim(hist, bytes, tonumber(ARGV[2]), tonumber(ARGV[4]), now_ms() - tonumber(ARGV[3]))
if left ~= bytes then redis.call('HSET', meta, 'bytes', left) end
return { epoch, offset, redis.call('LRANGE', hist, 0, -1) }
`;

/** The scripts, bound to one command connection. */
export interface BrokerScripts {
  publish(keys: [string, string, string], args: Array<string | number>): Promise<[string, number, number]>;
  history(keys: [string, string], args: Array<string | number>): Promise<[string, number, string[]]>;
}

/** Names under which the scripts are defined on a connection (EVALSHA, loaded on first use). */
const PUBLISH_COMMAND = 'sbBrokerPublish';
const HISTORY_COMMAND = 'sbBrokerHistory';

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

/** Defines the broker's scripts on `redis` once and returns typed callers. */
export function brokerScripts(redis: Redis): BrokerScripts {
  redis.defineCommand(PUBLISH_COMMAND, { lua: PUBLISH_LUA, numberOfKeys: 3 });
  redis.defineCommand(HISTORY_COMMAND, { lua: HISTORY_LUA, numberOfKeys: 2 });
  const commands = redis as unknown as Record<typeof PUBLISH_COMMAND | typeof HISTORY_COMMAND, ScriptCommand>;
  return {
    // A script Redis could not run rejects with an EngineUnavailableError (see redisCall).
    publish: (keys, args) => redisCall(commands[PUBLISH_COMMAND].call(redis, ...keys, ...args)) as Promise<[string, number, number]>,
    history: (keys, args) => redisCall(commands[HISTORY_COMMAND].call(redis, ...keys, ...args)) as Promise<[string, number, string[]]>,
  };
}

/** Reads one history entry (`<ts>:<offset>:<payloadJson>`) of `channel` in `epoch`. */
export function parseEntry(channel: string, epoch: string, entry: string): Publication {
  const first = entry.indexOf(':');
  const second = entry.indexOf(':', first + 1);
  return {
    channel,
    epoch,
    offset: Number(entry.slice(first + 1, second)),
    payloadJson: entry.slice(second + 1),
    ts: Number(entry.slice(0, first)),
  };
}
