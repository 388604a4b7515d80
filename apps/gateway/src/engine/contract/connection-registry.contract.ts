import type { SlotRequest } from '../seams/index.js';
import type { EngineHarness } from './engine.contract.js';

/** A lease no case outlives, for the cases that are not about leases. */
const LONG_LEASE_MS = 60_000;
/** A lease the lease cases wait out, short enough for real time. */
const LEASE_MS = 300;

const slot = (userId: string, connectionId: string, max: number, policy: SlotRequest['policy'], leaseMs = LONG_LEASE_MS): SlotRequest => ({
  userId,
  connectionId,
  max,
  policy,
  leaseMs,
});

/** Connection registry behaviour: per-user slots, both policies, and leases that expire unless renewed. */
export function describeRegistryContract(harness: () => EngineHarness): void {
  describe('connection registry', () => {
    const registry = () => harness().engine.connections;

    it('admits up to max and then rejects with policy reject', async () => {
      expect(await registry().acquire(slot('alice', 'a1', 2, 'reject'))).toEqual({ admitted: true, evicted: [] });
      expect(await registry().acquire(slot('alice', 'a2', 2, 'reject'))).toEqual({ admitted: true, evicted: [] });
      expect(await registry().acquire(slot('alice', 'a3', 2, 'reject'))).toEqual({ admitted: false, held: 2 });
      expect(await registry().count('alice')).toBe(2);
    });

    it('keeps users apart', async () => {
      await registry().acquire(slot('alice', 'a1', 1, 'reject'));
      expect(await registry().acquire(slot('bob', 'b1', 1, 'reject'))).toEqual({ admitted: true, evicted: [] });
    });

    it('evicts the oldest slot with policy evict-oldest', async () => {
      await registry().acquire(slot('alice', 'a1', 2, 'evict-oldest'));
      await registry().acquire(slot('alice', 'a2', 2, 'evict-oldest'));
      expect(await registry().acquire(slot('alice', 'a3', 2, 'evict-oldest'))).toEqual({ admitted: true, evicted: ['a1'] });
      expect(await registry().acquire(slot('alice', 'a4', 2, 'evict-oldest'))).toEqual({ admitted: true, evicted: ['a2'] });
      expect(await registry().count('alice')).toBe(2);
    });

    it('evicts the slot acquired first, not the one expiring first: a renewal keeps its place', async () => {
      await registry().acquire(slot('hal', 'h1', 2, 'evict-oldest'));
      await registry().acquire(slot('hal', 'h2', 2, 'evict-oldest', LONG_LEASE_MS * 2));
      expect(await registry().renew([{ userId: 'hal', connectionId: 'h1' }], LONG_LEASE_MS * 3)).toEqual([]);
      expect(await registry().acquire(slot('hal', 'h1', 2, 'evict-oldest', LONG_LEASE_MS * 4))).toEqual({ admitted: true, evicted: [] });
      expect(await registry().acquire(slot('hal', 'h3', 2, 'evict-oldest'))).toEqual({ admitted: true, evicted: ['h1'] });
    });

    it('frees as many of the oldest as it takes to get below max', async () => {
      for (const id of ['i1', 'i2', 'i3']) await registry().acquire(slot('ida', id, 3, 'evict-oldest'));
      expect(await registry().acquire(slot('ida', 'i4', 1, 'evict-oldest'))).toEqual({ admitted: true, evicted: ['i1', 'i2', 'i3'] });
      expect(await registry().count('ida')).toBe(1);
    });

    it('frees a slot on release, and ignores a release of what is not held', async () => {
      await registry().acquire(slot('alice', 'a1', 1, 'reject'));
      await registry().release('alice', 'a1');
      await registry().release('alice', 'a1');
      await registry().release('nobody', 'x');
      expect(await registry().count('alice')).toBe(0);
      expect(await registry().acquire(slot('alice', 'a2', 1, 'reject'))).toEqual({ admitted: true, evicted: [] });
    });

    it('never admits more than max under concurrent acquires', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => registry().acquire(slot('carol', `c${i}`, 3, 'reject'))));
      expect(results.filter((r) => r.admitted)).toHaveLength(3);
      expect(await registry().count('carol')).toBe(3);
    });

    describe('leases', () => {
      it('keeps a slot its node renews past the first lease', async () => {
        await registry().acquire(slot('dave', 'd1', 1, 'reject', LEASE_MS));
        await harness().advance(LEASE_MS * 0.6);
        expect(await registry().renew([{ userId: 'dave', connectionId: 'd1' }], LEASE_MS)).toEqual([]);
        await harness().advance(LEASE_MS * 0.6);
        expect(await registry().count('dave')).toBe(1);
        expect(await registry().acquire(slot('dave', 'd2', 1, 'reject', LEASE_MS))).toEqual({ admitted: false, held: 1 });
      });

      it('frees a slot nobody renews once its lease ends, and does not take it again on renew', async () => {
        await registry().acquire(slot('erin', 'e1', 1, 'reject', LEASE_MS));
        await harness().advance(LEASE_MS + 100);
        expect(await registry().count('erin')).toBe(0);
        expect(await registry().renew([{ userId: 'erin', connectionId: 'e1' }], LEASE_MS)).toEqual([{ userId: 'erin', connectionId: 'e1' }]);
        expect(await registry().count('erin')).toBe(0);
        expect(await registry().acquire(slot('erin', 'e2', 1, 'reject', LEASE_MS))).toEqual({ admitted: true, evicted: [] });
      });

      it('does not name an expired slot among the evicted: nobody holds it to close', async () => {
        await registry().acquire(slot('fay', 'f1', 2, 'evict-oldest', LEASE_MS));
        await registry().acquire(slot('fay', 'f2', 2, 'evict-oldest', LONG_LEASE_MS));
        await harness().advance(LEASE_MS + 100);
        expect(await registry().acquire(slot('fay', 'f3', 2, 'evict-oldest'))).toEqual({ admitted: true, evicted: [] });
        expect(await registry().count('fay')).toBe(2);
      });

      it('renews on an acquire of a slot already held', async () => {
        await registry().acquire(slot('gus', 'g1', 1, 'reject', LEASE_MS));
        await harness().advance(LEASE_MS * 0.6);
        expect(await registry().acquire(slot('gus', 'g1', 1, 'reject', LEASE_MS))).toEqual({ admitted: true, evicted: [] });
        await harness().advance(LEASE_MS * 0.6);
        expect(await registry().count('gus')).toBe(1);
      });
    });
  });
}
