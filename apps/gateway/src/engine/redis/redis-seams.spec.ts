import { once } from 'node:events';
import { fullAfterMs } from '@switchboard/protocol';
import type { Redis } from 'ioredis';
import { describeRegistryContract } from '../contract/connection-registry.contract.js';
import type { EngineHarness } from '../contract/engine.contract.js';
import { describeRateLimiterContract } from '../contract/rate-limiter.contract.js';
import { describeTicketContract } from '../contract/ticket-store.contract.js';
import type { Engine } from '../engine.js';
import type { BucketPolicy, SlotRequest, TicketGrant } from '../seams/index.js';
import { createRedis } from './redis-client.js';
import { RedisConnectionRegistry } from './redis-connection-registry.js';
import { RedisKeys } from './redis-keys.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisTicketStore } from './redis-ticket-store.js';
import { TEST_REDIS_URL as REDIS_URL, testPrefix, unlinkUnder } from './testing/test-redis.js';

/** The machine's Redis, shared: everything this run writes lives under {@link RUN_PREFIX}. */
const RUN_PREFIX = testPrefix('seams');

/** A lease the node cases wait out in real time. */
const LEASE_MS = 300;
const grant: TicketGrant = { userId: 'u1', claims: { sub: 'u1' }, credentialExpiresAt: 1_900_000_000_000 };

/** A connection as a node has it: ready before the first command, since nothing queues offline. */
async function connect(name: string): Promise<Redis> {
  const redis = createRedis({ url: REDIS_URL, prefix: RUN_PREFIX }, name);
  // Reconnecting is ioredis's job; a command that fails meanwhile fails its own case.
  redis.on('error', () => undefined);
  if (redis.status !== 'ready') await once(redis, 'ready');
  return redis;
}

/** The three seams of one node: what a gateway process builds on its own connection. */
function seams(redis: Redis, keys: RedisKeys) {
  return {
    tickets: new RedisTicketStore(redis, keys),
    connections: new RedisConnectionRegistry(redis, keys),
    rateLimiter: (namespace: string, policy: BucketPolicy) => new RedisRateLimiter(redis, keys, namespace, policy),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const slot = (userId: string, connectionId: string, max: number, policy: SlotRequest['policy'], leaseMs = 60_000): SlotRequest => ({
  userId,
  connectionId,
  max,
  policy,
  leaseMs,
});

let nodeA: Redis;
let nodeB: Redis;
/** A fresh key space per case, as the memory engine gets a fresh engine per case. */
let caseNumber = 0;
const nextKeys = () => new RedisKeys(`${RUN_PREFIX}:${++caseNumber}`);

beforeAll(async () => {
  [nodeA, nodeB] = await Promise.all([connect('node-a'), connect('node-b')]);
});

afterAll(async () => {
  if (nodeA?.status === 'ready') await unlinkUnder(nodeA, RUN_PREFIX);
  await Promise.all([nodeA?.quit(), nodeB?.quit()]);
});

describe('Redis seams: the engine contract', () => {
  let h: EngineHarness;
  beforeEach(() => {
    // Only the seams these cases touch: the contract blocks read nothing else of the engine.
    const engine = seams(nodeA, nextKeys()) as Partial<Engine> as Engine;
    h = { engine, advance: sleep };
  });

  describeTicketContract(() => h);
  describeRegistryContract(() => h);
  describeRateLimiterContract(() => h);
});

describe('Redis seams: two nodes on one Redis', () => {
  let keys: RedisKeys;
  let a: ReturnType<typeof seams>;
  let b: ReturnType<typeof seams>;
  beforeEach(() => {
    keys = nextKeys();
    a = seams(nodeA, keys);
    b = seams(nodeB, keys);
  });

  it('spends a ticket minted on A once, whichever node takes it', async () => {
    await a.tickets.put('t-shared', grant, 5_000);
    const takers = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).tickets.take('t-shared'));
    const results = await Promise.all(takers);
    expect(results.filter((r) => r !== null)).toEqual([grant]);
  });

  it('holds the per-user cap across nodes: 20 concurrent acquires, max 5, admit exactly 5', async () => {
    const acquires = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).connections.acquire(slot('zoe', `z${i}`, 5, 'reject')));
    const results = await Promise.all(acquires);
    expect(results.filter((r) => r.admitted)).toHaveLength(5);
    expect(results.filter((r) => !r.admitted)).toEqual(Array(15).fill({ admitted: false, held: 5 }));
    expect(await a.connections.count('zoe')).toBe(5);
    expect(await b.connections.count('zoe')).toBe(5);
  });

  it('evicts the connection acquired first, on whichever node it lives, even after a renewal', async () => {
    await a.connections.acquire(slot('yan', 'on-a', 2, 'evict-oldest'));
    await b.connections.acquire(slot('yan', 'on-b', 2, 'evict-oldest'));
    // A's renewal gives its slot the latest expiry; it is still the oldest.
    expect(await a.connections.renew([{ userId: 'yan', connectionId: 'on-a' }], 90_000)).toEqual([]);
    expect(await b.connections.acquire(slot('yan', 'new-b', 2, 'evict-oldest'))).toEqual({ admitted: true, evicted: ['on-a'] });
    expect(await a.connections.acquire(slot('yan', 'new-a', 2, 'evict-oldest'))).toEqual({ admitted: true, evicted: ['on-b'] });
  });

  it("frees a silent node's slots once its lease ends, for the other node to take", async () => {
    const nodeC = await connect('node-c');
    const c = seams(nodeC, keys);
    try {
      await c.connections.acquire(slot('xia', 'on-c', 1, 'reject', LEASE_MS));
    } finally {
      nodeC.disconnect(); // node C dies: nobody renews its slot again
    }
    expect(await a.connections.acquire(slot('xia', 'on-a', 1, 'reject', LEASE_MS))).toEqual({ admitted: false, held: 1 });
    await sleep(LEASE_MS + 100);
    expect(await a.connections.acquire(slot('xia', 'on-a', 1, 'reject'))).toEqual({ admitted: true, evicted: [] });
    expect(await b.connections.renew([{ userId: 'xia', connectionId: 'on-c' }], LEASE_MS)).toEqual([{ userId: 'xia', connectionId: 'on-c' }]);
  });

  it('shares one bucket: capacity 4 spent across A and B allows exactly 4', async () => {
    const policy = { capacity: 4, refill: 1, intervalMs: 60_000 };
    const limiters = [a.rateLimiter('messages', policy), b.rateLimiter('messages', policy)];
    const decisions = await Promise.all(Array.from({ length: 12 }, (_, i) => limiters[i % 2].consume('wes')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(4);
    for (const refused of decisions.filter((d) => !d.allowed)) {
      expect(refused).toEqual({ allowed: false, retryAfterMs: expect.any(Number) });
    }
  });
});

describe('Redis seams: what Redis holds', () => {
  let keys: RedisKeys;
  let a: ReturnType<typeof seams>;
  beforeEach(() => {
    keys = nextKeys();
    a = seams(nodeA, keys);
  });

  it('reads a stored value that is not a grant as an unknown ticket, and spends it', async () => {
    const stored = ['not json', 'null', '[]', '{"userId":7,"claims":{},"credentialExpiresAt":1}', '{"userId":"u","claims":[],"credentialExpiresAt":1}'];
    for (const [i, value] of stored.entries()) await nodeA.set(keys.key('ticket', `bad-${i}`), value, 'PX', 5_000);
    for (const i of stored.keys()) expect(await a.tickets.take(`bad-${i}`)).toBeNull();
    expect(await nodeA.exists(...stored.map((_, i) => keys.key('ticket', `bad-${i}`)))).toBe(0);
  });

  it('lets an idle bucket expire once it would be full again', async () => {
    const policy = { capacity: 2, refill: 1, intervalMs: 1_000 };
    await a.rateLimiter('ticket-ip', policy).consume('::1');
    const ttl = await nodeA.pttl(keys.key('rate', 'ticket-ip', '::1'));
    expect(ttl).toBeGreaterThan(fullAfterMs(policy) - 200);
    expect(ttl).toBeLessThanOrEqual(fullAfterMs(policy));
  });

  it('says how long until the next token, as the protocol bucket does', async () => {
    const limiter = a.rateLimiter('handshake-ip', { capacity: 1, refill: 1, intervalMs: 1_000 });
    expect(await limiter.consume('k')).toEqual({ allowed: true });
    const refused = await limiter.consume('k');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterMs).toBeGreaterThan(800);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(1_000);
    }
  });

  it("gives a user's keys a TTL just past their longest lease, and deletes them with the last slot", async () => {
    await a.connections.acquire(slot('vic', 'v1', 3, 'reject', 10_000));
    await a.connections.acquire(slot('vic', 'v2', 3, 'reject', 20_000));
    const userKeys = [keys.key('slots', 'lease', 'vic'), keys.key('slots', 'order', 'vic')];
    for (const key of userKeys) {
      const ttl = await nodeA.pttl(key);
      expect(ttl).toBeGreaterThan(20_000 - 200);
      expect(ttl).toBeLessThanOrEqual(21_000);
    }
    await a.connections.release('vic', 'v1');
    await a.connections.release('vic', 'v2');
    expect(await nodeA.exists(...userKeys)).toBe(0);
  });

  it('renews in batches, naming only the lapsed slots', async () => {
    const held = Array.from({ length: 600 }, (_, i) => ({ userId: `user-${i % 7}`, connectionId: `c${i}` }));
    await Promise.all(held.map((s) => a.connections.acquire(slot(s.userId, s.connectionId, 1_000, 'reject'))));
    const gone = [{ userId: 'user-1', connectionId: 'never' }, { userId: 'nobody', connectionId: 'x' }];
    const lapsed = await a.connections.renew([...held.slice(0, 300), gone[0], ...held.slice(300), gone[1]], 60_000);
    expect(lapsed).toEqual(gone);
    expect(await a.connections.count('user-0')).toBe(86);
  });

  it('keeps user ids that look like keys apart', async () => {
    for (const userId of ['a:b', 'a', 'lease:a', '*', '{x}']) {
      expect(await a.connections.acquire(slot(userId, 'c', 1, 'reject'))).toEqual({ admitted: true, evicted: [] });
    }
    expect(await a.connections.count('a:b')).toBe(1);
  });
});
