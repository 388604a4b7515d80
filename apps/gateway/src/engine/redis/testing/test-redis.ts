import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The machine's Redis, shared with other runs: every spec writes under a prefix of its own. */
export const TEST_REDIS_URL = 'redis://127.0.0.1:6379/0';

/** A prefix no other run uses: `sb-test-<name>-<pid>-<random>`. */
export function testPrefix(name: string): string {
  return `sb-test-${name}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** Every key under `prefix` (SCAN, never KEYS: the Redis is shared). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 1_000 }) as AsyncIterable<string[]>) found.push(...batch);
  return found;
}

/** Deletes every key under `prefix`. */
export async function unlinkUnder(redis: Redis, prefix: string): Promise<void> {
  const found = await keysUnder(redis, prefix);
  if (found.length > 0) await redis.unlink(...found);
}
