import { Redis } from 'ioredis';

/** How the engine reaches Redis. */
export interface RedisSettings {
  /** `redis://host:port/db` (`REDIS_URL`). */
  url: string;
  /** Starts every key and pub/sub channel (`REDIS_PREFIX`). */
  prefix: string;
}

/**
 * A Redis connection for the engine. Commands issued while Redis is unreachable fail
 * fast (no offline queue, one retry per request) instead of piling up in memory, so a
 * caller answers "engine unavailable" at once; ioredis keeps reconnecting behind it.
 */
export function createRedis(settings: RedisSettings, name: string): Redis {
  return new Redis(settings.url, {
    connectionName: `${settings.prefix}:${name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
}
