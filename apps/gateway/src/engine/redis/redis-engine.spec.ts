import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { systemClock } from '../../clock/index.js';
import { describeEngineContract } from '../contract/engine.contract.js';
import { RedisEngine } from './redis-engine.js';

/** The machine's Redis is shared: each case's keys live under their own prefix, all removed at the end. */
const REDIS_URL = 'redis://127.0.0.1:6379/0';
const RUN_PREFIX = `sb-test-engine-${process.pid}-${randomUUID().slice(0, 8)}`;
const TICK_MS = 50;
let cases = 0;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  for await (const keys of redis.scanStream({ match: `${RUN_PREFIX}*`, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
  await redis.quit();
});

describeEngineContract('redis', async (policy) => {
  const engine = await RedisEngine.connect({
    ...policy,
    redis: { url: REDIS_URL, prefix: `${RUN_PREFIX}:${++cases}` },
    nodeId: `node-${cases}`,
    bus: { tickMs: TICK_MS, leaseMs: 4 * TICK_MS, replyTimeoutMs: 500 },
    onError: () => undefined,
    clock: systemClock,
  });
  // Redis keeps real time: the contract's windows are waited out.
  return { engine, advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
});

describe('RedisEngine', () => {
  it('refuses to start when Redis does not answer, and leaves nothing running', async () => {
    await expect(
      RedisEngine.connect({
        broker: { history: { size: 1, ttlMs: 1_000, maxBytes: 64 }, idempotencyWindowMs: 1_000 },
        // Port 1 on loopback: nothing listens there, so every attempt is refused at once.
        redis: { url: 'redis://127.0.0.1:1/0', prefix: RUN_PREFIX },
        nodeId: 'unreachable',
        onError: () => undefined,
        clock: { ...systemClock, setTimeout: (task) => systemClock.setTimeout(task, 200) },
      }),
    ).rejects.toThrow(/Redis did not answer/);
  });
});
