import { Redis } from 'ioredis';

/** How the engine reaches Redis. */
export interface RedisSettings {
  /** `redis://host:port/db` (`REDIS_URL`). */
  url: string;
  /** Starts every key and pub/sub channel (`REDIS_PREFIX`). */
  prefix: string;
}

/**
 * How long a command may wait for its reply. A Redis that is frozen (stopped, swapping, a
 * partition that drops packets) keeps the TCP connection up, so without this a frame that
 * needs it would wait forever; with it, the frame is answered `ENGINE_UNAVAILABLE`. Far
 * above a healthy round trip, and above the scripts' work on bounded histories.
 */
const COMMAND_TIMEOUT_MS = 2_000;

/**
 * A Redis connection for the engine. Commands issued while Redis is unreachable fail
 * fast (no offline queue, one retry per request) instead of piling up in memory, and a
 * command Redis does not answer within 2 s fails too, so a caller answers "engine
 * unavailable" at once; ioredis keeps reconnecting behind it.
 */
export function createRedis(settings: RedisSettings, name: string): Redis {
  return new Redis(settings.url, {
    connectionName: `${settings.prefix}:${name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    lazyConnect: false,
  });
}
