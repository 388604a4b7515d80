import type { Redis } from 'ioredis';
import { redisCall } from './redis-failure.js';

/** Runs one Lua script with its keys and arguments; resolves with the script's reply. */
export type RedisScript<Reply> = (keys: readonly string[], args: readonly (string | number)[]) => Promise<Reply>;

/** What ioredis adds to the client for a script defined without a fixed key count. */
type DefinedCommand = (this: Redis, numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** Options of {@link defineScript}. */
export interface ScriptOptions {
  /**
   * The script writes nothing, so it may run on a replica.
   * @default false
   */
  readOnly?: boolean;
}

/**
 * Defines `lua` once on `redis` (ioredis `defineCommand`) and returns a typed caller. Each
 * call is an EVALSHA, and ioredis sends the script itself the first time a connection
 * needs it (after a reconnect, or on a Redis that restarted empty), so callers never
 * handle NOSCRIPT. A script Redis could not run rejects with an `EngineUnavailableError`
 * (see {@link redisCall}); an error the script raised stays as it is. `name` must be unique per script: it becomes a method of the client,
 * which several seams share.
 *
 * @example
 * const take = defineScript<number>(redis, 'switchboardRateTakeToken', TAKE_TOKEN_LUA);
 * const retryAfterMs = await take([bucketKey], [capacity, refill, intervalMs, idleMs]);
 */
export function defineScript<Reply>(redis: Redis, name: string, lua: string, options: ScriptOptions = {}): RedisScript<Reply> {
  redis.defineCommand(name, { lua, readOnly: options.readOnly ?? false });
  const command = Reflect.get(redis, name) as DefinedCommand;
  return async (keys, args) => (await redisCall(command.call(redis, keys.length, ...keys, ...args))) as Reply;
}

/**
 * Lua that reads the time from Redis (integer ms since the epoch), so every node that
 * shares Redis agrees on it whatever its own clock says. Prepend it to a script.
 */
export const LUA_NOW_MS = `
local function nowMs()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
`;
