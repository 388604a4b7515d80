import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { systemClock } from '../../clock/index.js';
import { brokerScripts } from './broker-scripts.js';
import { EngineUnavailableError } from '../engine-unavailable.js';
import { createRedis } from './redis-client.js';
import { RedisEngine } from './redis-engine.js';
import { redisCall, redisFailure } from './redis-failure.js';
import { RedisKeys } from './redis-keys.js';
import { RedisNodeBus } from './redis-node-bus.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { defineScript } from './redis-script.js';
import { RedisTicketStore } from './redis-ticket-store.js';
import { TEST_REDIS_URL as REDIS_URL, testPrefix, unlinkUnder } from './testing/test-redis.js';

/** The machine's Redis, shared: these cases write under their own prefix and remove it. */
const RUN_PREFIX = testPrefix('failure');
const keys = new RedisKeys(RUN_PREFIX);

async function connect(name: string): Promise<Redis> {
  const redis = createRedis({ url: REDIS_URL, prefix: RUN_PREFIX }, name);
  redis.on('error', () => undefined);
  if (redis.status !== 'ready') await once(redis, 'ready');
  return redis;
}

/** A connection that was ready and is closed for good: every command on it fails as with Redis gone. */
async function closed(name: string): Promise<Redis> {
  const redis = await connect(name);
  redis.disconnect();
  return redis;
}

afterAll(async () => {
  const redis = await connect('cleanup');
  await unlinkUnder(redis, RUN_PREFIX);
  await redis.quit();
});

describe('redisFailure', () => {
  it('reads what ioredis says when it got no answer as the engine not answering', () => {
    for (const message of ['Connection is closed.', "Stream isn't writeable and enableOfflineQueue options is false", 'Command timed out']) {
      const failure = redisFailure(new Error(message));
      expect(failure).toBeInstanceOf(EngineUnavailableError);
      expect(failure).toMatchObject({ engine: 'redis', reason: message });
    }
  });

  it('keeps a refusal of Redis as it is, unless it means "not now"', () => {
    const refusal = Object.assign(new Error('ERR user_script:1: boom'), { name: 'ReplyError' });
    expect(redisFailure(refusal)).toBe(refusal);
    const loading = Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' });
    expect(redisFailure(loading)).toBeInstanceOf(EngineUnavailableError);
  });
});

describe('Redis seams with Redis away', () => {
  it('reject a script, a command and a batch with EngineUnavailableError', async () => {
    const redis = await closed('away');
    await expect(brokerScripts(redis).history([keys.key('m'), keys.key('h')], ['e', 1, 1_000, 64, 1_000])).rejects.toBeInstanceOf(EngineUnavailableError);
    const limiter = new RedisRateLimiter(redis, keys, 'away', { capacity: 1, refill: 1, intervalMs: 1_000 });
    await expect(limiter.consume('u1')).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(new RedisTicketStore(redis, keys).take('t')).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(redisCall(redis.multi().get(keys.key('x')).exec())).rejects.toBeInstanceOf(EngineUnavailableError);
  });

  it('reject a node-bus command with EngineUnavailableError', async () => {
    const [redis, subscriber] = await Promise.all([connect('bus'), connect('bus-sub')]);
    const bus = new RedisNodeBus({ redis, subscriber, keys, onError: () => undefined });
    redis.disconnect();
    subscriber.disconnect();
    await expect(bus.closeUser('u1', 4003, 'gone')).rejects.toBeInstanceOf(EngineUnavailableError);
    await bus.close();
  });

  it('keep an error the script raised as it is', async () => {
    const redis = await connect('lua');
    const fail = defineScript<never>(redis, 'switchboardTestFail', "return redis.error_reply('ERR refused by the script')");
    const error = await fail([], []).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(EngineUnavailableError);
    expect(error).toMatchObject({ name: 'ReplyError', message: expect.stringContaining('refused by the script') });
    await redis.quit();
  });
});

describe('RedisEngine.health', () => {
  it('is healthy while Redis answers, and names the reason once it does not', async () => {
    const engine = await RedisEngine.connect({
      broker: { history: { size: 1, ttlMs: 1_000, maxBytes: 64 }, idempotencyWindowMs: 1_000 },
      redis: { url: REDIS_URL, prefix: RUN_PREFIX },
      nodeId: 'health',
      onError: () => undefined,
      clock: systemClock,
    });
    expect(await engine.health()).toEqual({ healthy: true });
    await engine.close();
    expect(await engine.health()).toEqual({ healthy: false, reason: expect.stringMatching(/closed|end|writeable/) });
    expect(await engine.isHealthy()).toBe(false);
  });
});
