import type { BrokerPolicy, Publication } from '../seams/index.js';
import type { EngineHarness } from './engine.contract.js';
import { waitFor } from './wait-for.js';

/**
 * Channel broker behaviour under `policy`, the one the engine was built with. The byte and
 * count cases expect history of size 5 and 64 bytes (see CONTRACT_POLICY); the TTL and
 * idempotency cases wait out the policy's windows.
 */
export function describeBrokerContract(harness: () => EngineHarness, policy: BrokerPolicy): void {
  describe('channel broker', () => {
    const broker = () => harness().engine.broker;

    it('numbers publications 1, 2, 3… within one epoch', async () => {
      const first = await broker().publish('c:numbers', '{"n":1}');
      const second = await broker().publish('c:numbers', '{"n":2}');
      expect(first).toEqual({ epoch: expect.any(String), offset: 1, duplicate: false });
      expect(second).toEqual({ epoch: first.epoch, offset: 2, duplicate: false });
      expect(await broker().history('c:numbers')).toEqual({ epoch: first.epoch, offset: 2, recovered: false, publications: [] });
    });

    it('keeps channels apart', async () => {
      await broker().publish('c:a', '1');
      expect((await broker().publish('c:b', '1')).offset).toBe(1);
    });

    it('delivers to every listener in offset order, and stops after unlisten', async () => {
      const seen: Publication[] = [];
      const other: number[] = [];
      const stop = await broker().listen('c:live', (p) => seen.push(p));
      await broker().listen('c:live', (p) => other.push(p.offset));
      for (let i = 1; i <= 20; i++) await broker().publish('c:live', JSON.stringify({ i }));
      await waitFor(() => seen.length === 20, '20 publications');
      await stop();
      await broker().publish('c:live', '{"i":21}');
      await waitFor(() => other.length === 21, 'the publication after unlisten');
      expect(seen.map((p) => p.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(seen[0]).toEqual({ channel: 'c:live', epoch: expect.any(String), offset: 1, payloadJson: '{"i":1}', ts: expect.any(Number) });
      expect(other).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    });

    it('recovers what came after since, in order', async () => {
      const { epoch } = await broker().publish('c:rec', '"a"');
      await broker().publish('c:rec', '"b"');
      await broker().publish('c:rec', '"c"');
      const result = await broker().history('c:rec', { epoch, offset: 1 });
      expect(result.recovered).toBe(true);
      expect(result.publications.map((p) => [p.offset, p.payloadJson])).toEqual([[2, '"b"'], [3, '"c"']]);
      expect(result.offset).toBe(3);
    });

    it('recovers nothing to do when since is the current position', async () => {
      const { epoch } = await broker().publish('c:current', '"a"');
      expect(await broker().history('c:current', { epoch, offset: 1 })).toEqual({ epoch, offset: 1, recovered: true, publications: [] });
    });

    it('does not recover from another epoch, a future offset, or a trimmed history', async () => {
      for (let i = 0; i < 8; i++) await broker().publish('c:trim', String(i));
      const { epoch } = await broker().history('c:trim');
      expect((await broker().history('c:trim', { epoch: 'other', offset: 7 })).recovered).toBe(false);
      expect((await broker().history('c:trim', { epoch, offset: 9 })).recovered).toBe(false);
      const trimmed = await broker().history('c:trim', { epoch, offset: 2 });
      expect(trimmed).toMatchObject({ epoch, offset: 8, recovered: false });
      expect(trimmed.publications.map((p) => p.offset)).toEqual([4, 5, 6, 7, 8]);
      expect((await broker().history('c:trim', { epoch: 'other', offset: 7 })).publications).toEqual([]);
      expect((await broker().history('c:trim', { epoch, offset: 3 })).publications.map((p) => p.offset)).toEqual([4, 5, 6, 7, 8]);
    });

    it('does not recover once the history TTL has passed', async () => {
      const { epoch } = await broker().publish('c:ttl', '"a"');
      await broker().publish('c:ttl', '"b"');
      await harness().advance(policy.history.ttlMs + 100);
      expect((await broker().history('c:ttl', { epoch, offset: 1 })).recovered).toBe(false);
    });

    it('keeps history within its byte budget, oldest first, and never a publication larger than it', async () => {
      const { epoch } = await broker().publish('c:bytes', JSON.stringify('a'.repeat(28)));
      await broker().publish('c:bytes', JSON.stringify('b'.repeat(28)));
      await broker().publish('c:bytes', JSON.stringify('c'.repeat(28)));
      const kept = await broker().history('c:bytes', { epoch, offset: 0 });
      expect(kept).toMatchObject({ offset: 3, recovered: false });
      expect(kept.publications.map((p) => p.offset)).toEqual([2, 3]);
      await broker().publish('c:bytes', JSON.stringify('d'.repeat(100)));
      const afterHuge = await broker().history('c:bytes', { epoch, offset: 0 });
      expect(afterHuge).toMatchObject({ offset: 4, publications: [] });
      expect((await broker().history('c:bytes', { epoch, offset: 3 })).recovered).toBe(false);
    });

    it('acks a repeated idempotency key with the first result and publishes once', async () => {
      const offsets: number[] = [];
      await broker().listen('c:idem', (p) => offsets.push(p.offset));
      const first = await broker().publish('c:idem', '"x"', { idempotencyKey: 'alice:1' });
      const again = await broker().publish('c:idem', '"x"', { idempotencyKey: 'alice:1' });
      const other = await broker().publish('c:idem', '"y"', { idempotencyKey: 'alice:2' });
      expect(again).toEqual({ epoch: first.epoch, offset: first.offset, duplicate: true });
      expect(other.offset).toBe(first.offset + 1);
      await broker().publish('c:idem', '"z"');
      await waitFor(() => offsets.length >= 3, 'three publications');
      expect(offsets).toEqual([1, 2, 3]);
    });

    it('delivers a publish made right after listen() resolves', async () => {
      const seen: number[] = [];
      await broker().listen('c:right-after', (p) => seen.push(p.offset));
      await broker().publish('c:right-after', '"first"');
      await waitFor(() => seen.length === 1, 'the publication right after listen');
      expect(seen).toEqual([1]);
    });

    it('gives 50 concurrent publishes offsets 1..50, seen in order by every listener', async () => {
      const first: number[] = [];
      const second: number[] = [];
      await broker().listen('c:burst', (p) => first.push(p.offset));
      await broker().listen('c:burst', (p) => second.push(p.offset));
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => broker().publish('c:burst', JSON.stringify({ i }))));
      const all = Array.from({ length: 50 }, (_, i) => i + 1);
      expect(results.map((r) => r.offset).sort((x, y) => x - y)).toEqual(all);
      expect(new Set(results.map((r) => r.epoch)).size).toBe(1);
      await waitFor(() => first.length >= 50 && second.length >= 50, '50 publications to both listeners');
      expect(first).toEqual(all);
      expect(second).toEqual(all);
    });

    it('publishes once for one idempotency key sent concurrently', async () => {
      const seen: number[] = [];
      await broker().listen('c:idem-race', (p) => seen.push(p.offset));
      const results = await Promise.all(Array.from({ length: 10 }, () => broker().publish('c:idem-race', '"x"', { idempotencyKey: 'k' })));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => `${r.epoch}/${r.offset}`))).toEqual(new Set([`${results[0].epoch}/1`]));
      await broker().publish('c:idem-race', '"after"');
      await waitFor(() => seen.length >= 2, 'the publication after the race');
      expect(seen).toEqual([1, 2]);
    });

    it('expires each history entry on its own TTL', async () => {
      const { epoch } = await broker().publish('c:entry-ttl', '"old"');
      await harness().advance(policy.history.ttlMs * 0.6);
      await broker().publish('c:entry-ttl', '"young"');
      await harness().advance(policy.history.ttlMs * 0.6);
      const fromStart = await broker().history('c:entry-ttl', { epoch, offset: 0 });
      expect(fromStart).toMatchObject({ epoch, offset: 2, recovered: false });
      expect(fromStart.publications.map((p) => p.payloadJson)).toEqual(['"young"']);
      const fromFirst = await broker().history('c:entry-ttl', { epoch, offset: 1 });
      expect(fromFirst.recovered).toBe(true);
      expect(fromFirst.publications.map((p) => p.offset)).toEqual([2]);
    });

    it('scopes idempotency keys to their channel', async () => {
      await broker().publish('c:k1', '"x"', { idempotencyKey: 'k' });
      expect((await broker().publish('c:k2', '"x"', { idempotencyKey: 'k' })).duplicate).toBe(false);
    });

    it('remembers an idempotency key within the window and forgets it after', async () => {
      await broker().publish('c:window', '"x"', { idempotencyKey: 'k' });
      await harness().advance(policy.idempotencyWindowMs / 2);
      expect(await broker().publish('c:window', '"x"', { idempotencyKey: 'k' })).toMatchObject({ duplicate: true });
      await harness().advance(policy.idempotencyWindowMs + 50);
      expect(await broker().publish('c:window', '"x"', { idempotencyKey: 'k' })).toMatchObject({ duplicate: false });
    });
  });
}
