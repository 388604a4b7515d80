import type { Engine, HistoryPolicy, TicketGrant } from '../engine.interfaces.js';
import { describeBrokerContract } from './channel-broker.contract.js';

/** An engine under test and a way to move its clock forward. */
export interface EngineHarness {
  engine: Engine;
  /** Lets `ms` pass for the engine: a fake clock for memory, real time for Redis. */
  advance(ms: number): Promise<void>;
}

const grant: TicketGrant = { userId: 'u1', claims: { sub: 'u1' }, credentialExpiresAt: 1_900_000_000_000 };

/** The history limits the contract runs with: small, so trimming and expiry are quick to reach. */
export const CONTRACT_HISTORY: HistoryPolicy = { size: 5, ttlMs: 1_000, maxBytes: 64 };

/**
 * The behaviour every engine must have. Run it against each implementation with
 * `describeEngineContract('memory', makeHarness)`; `makeHarness` builds a fresh engine
 * with the given history limits.
 */
export function describeEngineContract(name: string, makeHarness: (history: HistoryPolicy) => Promise<EngineHarness>): void {
  describe(`engine contract: ${name}`, () => {
    let h: EngineHarness;
    beforeEach(async () => {
      h = await makeHarness(CONTRACT_HISTORY);
    });
    afterEach(async () => {
      await h.engine.close();
    });

    describe('tickets', () => {
      it('returns the grant once, then null', async () => {
        await h.engine.tickets.put('t-once', grant, 1_000);
        expect(await h.engine.tickets.take('t-once')).toEqual(grant);
        expect(await h.engine.tickets.take('t-once')).toBeNull();
      });

      it('refuses an unknown ticket', async () => {
        expect(await h.engine.tickets.take('never-issued')).toBeNull();
      });

      it('refuses a ticket after its TTL', async () => {
        await h.engine.tickets.put('t-ttl', grant, 100);
        await h.advance(150);
        expect(await h.engine.tickets.take('t-ttl')).toBeNull();
      });

      it('hands a ticket to exactly one of many concurrent takers', async () => {
        await h.engine.tickets.put('t-race', grant, 1_000);
        const results = await Promise.all(Array.from({ length: 20 }, () => h.engine.tickets.take('t-race')));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      });
    });

    describe('connection registry', () => {
      it('admits up to max and then rejects with policy reject', async () => {
        const c = h.engine.connections;
        expect(await c.acquire('alice', 'a1', 2, 'reject')).toEqual({ admitted: true, evicted: [] });
        expect(await c.acquire('alice', 'a2', 2, 'reject')).toEqual({ admitted: true, evicted: [] });
        expect(await c.acquire('alice', 'a3', 2, 'reject')).toEqual({ admitted: false, held: 2 });
        expect(await c.count('alice')).toBe(2);
      });

      it('keeps users apart', async () => {
        const c = h.engine.connections;
        await c.acquire('alice', 'a1', 1, 'reject');
        expect(await c.acquire('bob', 'b1', 1, 'reject')).toEqual({ admitted: true, evicted: [] });
      });

      it('evicts the oldest slot with policy evict-oldest', async () => {
        const c = h.engine.connections;
        await c.acquire('alice', 'a1', 2, 'evict-oldest');
        await c.acquire('alice', 'a2', 2, 'evict-oldest');
        expect(await c.acquire('alice', 'a3', 2, 'evict-oldest')).toEqual({ admitted: true, evicted: ['a1'] });
        expect(await c.acquire('alice', 'a4', 2, 'evict-oldest')).toEqual({ admitted: true, evicted: ['a2'] });
        expect(await c.count('alice')).toBe(2);
      });

      it('frees a slot on release, and ignores a release of what is not held', async () => {
        const c = h.engine.connections;
        await c.acquire('alice', 'a1', 1, 'reject');
        await c.release('alice', 'a1');
        await c.release('alice', 'a1');
        await c.release('nobody', 'x');
        expect(await c.count('alice')).toBe(0);
        expect(await c.acquire('alice', 'a2', 1, 'reject')).toEqual({ admitted: true, evicted: [] });
      });

      it('never admits more than max under concurrent acquires', async () => {
        const c = h.engine.connections;
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => c.acquire('carol', `c${i}`, 3, 'reject')),
        );
        expect(results.filter((r) => r.admitted)).toHaveLength(3);
        expect(await c.count('carol')).toBe(3);
      });
    });

    describe('rate limiter', () => {
      const policy = { capacity: 3, refill: 1, intervalMs: 100 };

      it('allows a burst of capacity, then says when the next token comes', async () => {
        const limiter = h.engine.rateLimiter('contract-burst', policy);
        for (let i = 0; i < 3; i++) expect(await limiter.consume('k')).toEqual({ allowed: true });
        const refused = await limiter.consume('k');
        expect(refused.allowed).toBe(false);
        if (!refused.allowed) {
          expect(refused.retryAfterMs).toBeGreaterThan(0);
          expect(refused.retryAfterMs).toBeLessThanOrEqual(100);
        }
      });

      it('refills at the policy rate', async () => {
        const limiter = h.engine.rateLimiter('contract-refill', policy);
        for (let i = 0; i < 3; i++) await limiter.consume('k');
        expect((await limiter.consume('k')).allowed).toBe(false);
        await h.advance(110);
        expect(await limiter.consume('k')).toEqual({ allowed: true });
        expect((await limiter.consume('k')).allowed).toBe(false);
      });

      it('keeps one bucket per key and per namespace', async () => {
        const a = h.engine.rateLimiter('contract-ns-a', { capacity: 1, refill: 1, intervalMs: 60_000 });
        const b = h.engine.rateLimiter('contract-ns-b', { capacity: 1, refill: 1, intervalMs: 60_000 });
        expect((await a.consume('k1')).allowed).toBe(true);
        expect((await a.consume('k1')).allowed).toBe(false);
        expect((await a.consume('k2')).allowed).toBe(true);
        expect((await b.consume('k1')).allowed).toBe(true);
      });
    });

    describeBrokerContract(() => h);

    it('reports itself healthy', async () => {
      expect(await h.engine.isHealthy()).toBe(true);
    });
  });
}
