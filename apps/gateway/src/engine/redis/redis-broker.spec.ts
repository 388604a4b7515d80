import { once } from 'node:events';
import { CloseCode } from '@switchboard/protocol';
import type { Redis } from 'ioredis';
import { describeBrokerContract } from '../contract/channel-broker.contract.js';
import { CONTRACT_POLICY, type EngineHarness } from '../contract/engine.contract.js';
import { describeNodeBusContract } from '../contract/node-bus.contract.js';
import { waitFor } from '../contract/wait-for.js';
import type { Engine } from '../engine.js';
import type { NodeCommandHandler, Publication } from '../seams/index.js';
import { createRedis } from './redis-client.js';
import { RedisChannelBroker } from './redis-channel-broker.js';
import { RedisKeys } from './redis-keys.js';
import { RedisNodeBus } from './redis-node-bus.js';
import { keysUnder, TEST_REDIS_URL, testPrefix, unlinkUnder } from './testing/test-redis.js';

const URL = TEST_REDIS_URL;
const RUN_PREFIX = testPrefix('broker');
const TICK_MS = 50;

/** Every connection opened here, closed in afterAll. */
const connections: Redis[] = [];

async function connect(name: string): Promise<Redis> {
  const redis = createRedis({ url: URL, prefix: RUN_PREFIX }, name);
  redis.on('error', () => {}); // reconnects are the case under test in places; failures show as rejected commands
  connections.push(redis);
  if (redis.status !== 'ready') await once(redis, 'ready');
  return redis;
}

/** Closes `redis` once its replies are in; one already closed stays closed. */
async function quit(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  await redis.quit().catch(() => redis.disconnect());
}

/** One "node": its own command and subscriber connections, broker and bus, under `prefix`. */
interface TestNode {
  redis: Redis;
  subscriber: Redis;
  broker: RedisChannelBroker;
  bus: RedisNodeBus;
  close(): Promise<void>;
}

async function startNode(prefix: string, name: string): Promise<TestNode> {
  const [redis, subscriber] = await Promise.all([connect(`${name}-cmd`), connect(`${name}-sub`)]);
  const keys = new RedisKeys(prefix);
  const broker = new RedisChannelBroker({ redis, subscriber, keys, policy: CONTRACT_POLICY.broker });
  const bus = new RedisNodeBus({ redis, subscriber, keys, tickMs: TICK_MS, leaseMs: 4 * TICK_MS, replyTimeoutMs: 500 });
  return {
    redis,
    subscriber,
    broker,
    bus,
    async close() {
      broker.close();
      await bus.close();
      await Promise.all([quit(redis), quit(subscriber)]);
    },
  };
}

let cases = 0;
const casePrefix = () => `${RUN_PREFIX}:${++cases}`;

let admin: Redis;
beforeAll(async () => {
  admin = await connect('admin');
});
afterAll(async () => {
  await unlinkUnder(admin, RUN_PREFIX);
  expect(await keysUnder(admin, RUN_PREFIX)).toEqual([]);
  await Promise.all(connections.map(quit));
});

describe('Redis engine contract: broker and node bus', () => {
  let node: TestNode;
  let h: EngineHarness;
  beforeEach(async () => {
    node = await startNode(casePrefix(), 'contract');
    const engine = { name: 'redis', nodeId: 'contract', broker: node.broker, bus: node.bus } as Partial<Engine> as Engine;
    h = { engine, advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
  });
  afterEach(async () => {
    await node.close();
  });

  describeBrokerContract(() => h, CONTRACT_POLICY.broker);
  describeNodeBusContract(() => h);
});

describe('RedisChannelBroker across two nodes on one Redis', () => {
  let a: TestNode;
  let b: TestNode;
  let prefix: string;
  beforeEach(async () => {
    prefix = casePrefix();
    [a, b] = await Promise.all([startNode(prefix, 'node-a'), startNode(prefix, 'node-b')]);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('delivers a publication made on A to a listener on B, in order', async () => {
    const seen: Publication[] = [];
    await b.broker.listen('room:1', (p) => seen.push(p));
    for (let i = 1; i <= 10; i++) await a.broker.publish('room:1', JSON.stringify({ i }));
    await waitFor(() => seen.length === 10, 'ten publications on B');
    expect(seen.map((p) => p.offset)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(seen[0]).toEqual({ channel: 'room:1', epoch: expect.any(String), offset: 1, payloadJson: '{"i":1}', ts: expect.any(Number) });
    expect((await b.broker.history('room:1', { epoch: seen[0].epoch, offset: 0 })).publications).toHaveLength(5);
  });

  it('numbers 50 concurrent publishes from both nodes 1..50, seen in order on both', async () => {
    const onA: number[] = [];
    const onB: number[] = [];
    await a.broker.listen('room:burst', (p) => onA.push(p.offset));
    await b.broker.listen('room:burst', (p) => onB.push(p.offset));
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).broker.publish('room:burst', String(i))));
    const all = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(results.map((r) => r.offset).sort((x, y) => x - y)).toEqual(all);
    await waitFor(() => onA.length >= 50 && onB.length >= 50, '50 publications on both nodes');
    expect(onA).toEqual(all);
    expect(onB).toEqual(all);
  });

  it('publishes once for one idempotency key sent concurrently from A and B', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).broker.publish('room:idem', '"x"', { idempotencyKey: 'alice:1' })),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.offset))).toEqual(new Set([1]));
    expect((await a.broker.history('room:idem')).offset).toBe(1);
  });

  it('starts a new epoch at offset 1 once the stream is lost (a Redis restarted empty)', async () => {
    const before = await a.broker.publish('room:lost', '"a"');
    await a.broker.publish('room:lost', '"b"');
    await admin.unlink(...(await keysUnder(admin, `${prefix}:ch:{room:lost}`)));
    const after = await b.broker.publish('room:lost', '"c"');
    expect(after).toEqual({ epoch: expect.any(String), offset: 1, duplicate: false });
    expect(after.epoch).not.toBe(before.epoch);
    expect(await a.broker.history('room:lost', { epoch: before.epoch, offset: 2 })).toMatchObject({ epoch: after.epoch, offset: 1, recovered: false, publications: [] });
  });

  it('fills from history what a listener missed while its subscriber connection was down', async () => {
    const seen: number[] = [];
    const id = Number(await b.subscriber.client('ID'));
    await b.broker.listen('room:gap', (p) => seen.push(p.offset));
    for (let i = 0; i < 2; i++) await a.broker.publish('room:gap', String(i));
    await waitFor(() => seen.length === 2, 'two publications before the kill');
    const reconnected = once(b.subscriber, 'ready');
    await admin.client('KILL', 'ID', id);
    for (let i = 2; i < 5; i++) await a.broker.publish('room:gap', String(i));
    await reconnected;
    await waitFor(() => seen.length === 5, 'the missed publications');
    await a.broker.publish('room:gap', '5');
    await waitFor(() => seen.length === 6, 'the next live publication');
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('fills a gap from history before delivering the publication after it', async () => {
    const seen: number[] = [];
    const channel = `${prefix}:pub:room:deaf`;
    await b.broker.listen('room:deaf', (p) => seen.push(p.offset));
    await a.broker.publish('room:deaf', '1');
    await waitFor(() => seen.length === 1, 'the first publication');
    await b.subscriber.unsubscribe(channel); // B goes deaf behind its broker's back
    for (let i = 2; i <= 4; i++) await a.broker.publish('room:deaf', String(i));
    await b.subscriber.subscribe(channel);
    await a.broker.publish('room:deaf', '5');
    await waitFor(() => seen.length === 5, 'the gap and the publication after it');
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps one SUBSCRIBE per channel and drops it with the last listener', async () => {
    const stops = await Promise.all([b.broker.listen('room:subs', () => {}), b.broker.listen('room:subs', () => {})]);
    const channel = `${prefix}:pub:room:subs`;
    expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
    await stops[0]();
    expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
    await stops[1]();
    expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 0]);
    expect(b.broker.listenedChannels).toBe(0);
  });

  it('goes on delivering when a listener throws', async () => {
    const seen: number[] = [];
    await b.broker.listen('room:throw', () => {
      throw new Error('listener bug');
    });
    await b.broker.listen('room:throw', (p) => seen.push(p.offset));
    await a.broker.publish('room:throw', '1');
    await a.broker.publish('room:throw', '2');
    await waitFor(() => seen.length === 2, 'both publications despite the throwing listener');
  });
});

/** A node handler that holds the given connections (id → user). */
function holding(connectionsOf: Record<string, string>): NodeCommandHandler & { closed: string[] } {
  const open = new Map(Object.entries(connectionsOf));
  const closed: string[] = [];
  return {
    closed,
    closeConnection: (id) => open.delete(id) && closed.push(id) > 0,
    closeUser: (userId) => {
      const ids = [...open].filter(([, user]) => user === userId).map(([id]) => id);
      for (const id of ids) open.delete(id), closed.push(id);
      return ids.length;
    },
    drain: async () => {},
  };
}

describe('RedisNodeBus across two nodes on one Redis', () => {
  let a: TestNode;
  let b: TestNode;
  let prefix: string;
  const stops: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    prefix = casePrefix();
    [a, b] = await Promise.all([startNode(prefix, 'bus-a'), startNode(prefix, 'bus-b')]);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await Promise.all([a.close(), b.close()]);
  });

  it("closes a user's connections on both nodes from either", async () => {
    const onA = holding({ a1: 'alice', a2: 'bob' });
    const onB = holding({ b1: 'alice', b2: 'alice' });
    stops.push(await a.bus.serve('node-a', onA), await b.bus.serve('node-b', onB));
    expect(await a.bus.closeUser('alice', CloseCode.FORBIDDEN, 'disabled')).toBe(3);
    expect(await b.bus.closeConnection('a2', CloseCode.EVICTED, 'evicted')).toBe(true);
    expect([onA.closed, onB.closed.sort()]).toEqual([['a1', 'a2'], ['b1', 'b2']]);
    expect(await b.bus.drain('node-a')).toBe(true);
  });

  it('carries out a command whose pub/sub message never came, from the inbox on its next tick', async () => {
    const onB = holding({ b1: 'alice' });
    stops.push(await b.bus.serve('node-b', onB));
    const command = { id: 'lost-1', replyTo: `${prefix}:nowhere`, kind: 'closeUser', userId: 'alice', code: CloseCode.FORBIDDEN, reason: 'disabled' };
    await admin.rpush(`${prefix}:node:node-b:inbox`, JSON.stringify(command));
    await waitFor(() => onB.closed.length === 1, 'the command from the inbox');
    await admin.publish(`${prefix}:node:node-b:cmd`, JSON.stringify(command));
    await new Promise((resolve) => setTimeout(resolve, 3 * TICK_MS));
    expect(onB.closed).toEqual(['b1']);
    expect(await admin.llen(`${prefix}:node:node-b:inbox`)).toBe(0);
  });

  it('does not hang on a node that died with its lease still on: resolves with the others after the reply timeout', async () => {
    stops.push(await b.bus.serve('node-b', holding({ b1: 'alice' })));
    await admin.zadd(`${prefix}:nodes`, Date.now() + 60_000, 'node-dead');
    const started = Date.now();
    expect(await a.bus.closeUser('alice', CloseCode.FORBIDDEN, 'disabled')).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('forgets a node that stops renewing once its lease ends', async () => {
    await admin.zadd(`${prefix}:nodes`, Date.now() + 4 * TICK_MS, 'node-silent');
    await new Promise((resolve) => setTimeout(resolve, 5 * TICK_MS));
    const started = Date.now();
    expect(await a.bus.closeUser('alice', CloseCode.FORBIDDEN, 'disabled')).toBe(0);
    expect(await a.bus.drain('node-silent')).toBe(false);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
