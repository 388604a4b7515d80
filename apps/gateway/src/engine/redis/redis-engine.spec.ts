import { Redis } from 'ioredis';
import { systemClock } from '../../clock/index.js';
import { describeEngineContract } from '../contract/engine.contract.js';
import { RedisEngine } from './redis-engine.js';
import { TEST_REDIS_URL as REDIS_URL, testPrefix, unlinkUnder } from './testing/test-redis.js';

/** Each case's keys live under their own prefix within the run's, all removed at the end. */
const RUN_PREFIX = testPrefix('engine');
const TICK_MS = 50;
let cases = 0;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  await unlinkUnder(redis, RUN_PREFIX);
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
