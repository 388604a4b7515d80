import type { EngineHarness } from './engine.contract.js';

/** Rate limiter behaviour: a token bucket per key and namespace. */
export function describeRateLimiterContract(harness: () => EngineHarness): void {
  describe('rate limiter', () => {
    const policy = { capacity: 3, refill: 1, intervalMs: 100 };

    it('allows a burst of capacity, then says when the next token comes', async () => {
      const limiter = harness().engine.rateLimiter('contract-burst', policy);
      for (let i = 0; i < 3; i++) expect(await limiter.consume('k')).toEqual({ allowed: true });
      const refused = await limiter.consume('k');
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) {
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(100);
      }
    });

    it('refills at the policy rate', async () => {
      const limiter = harness().engine.rateLimiter('contract-refill', policy);
      for (let i = 0; i < 3; i++) await limiter.consume('k');
      expect((await limiter.consume('k')).allowed).toBe(false);
      await harness().advance(110);
      expect(await limiter.consume('k')).toEqual({ allowed: true });
      expect((await limiter.consume('k')).allowed).toBe(false);
    });

    it('spends nothing on a refusal: the next token comes on time however often it was asked for', async () => {
      const limiter = harness().engine.rateLimiter('contract-refused', { capacity: 1, refill: 1, intervalMs: 100 });
      expect(await limiter.consume('k')).toEqual({ allowed: true });
      for (let i = 0; i < 5; i++) expect((await limiter.consume('k')).allowed).toBe(false);
      await harness().advance(110);
      expect(await limiter.consume('k')).toEqual({ allowed: true });
    });

    it('keeps one bucket per key and per namespace', async () => {
      const a = harness().engine.rateLimiter('contract-ns-a', { capacity: 1, refill: 1, intervalMs: 60_000 });
      const b = harness().engine.rateLimiter('contract-ns-b', { capacity: 1, refill: 1, intervalMs: 60_000 });
      expect((await a.consume('k1')).allowed).toBe(true);
      expect((await a.consume('k1')).allowed).toBe(false);
      expect((await a.consume('k2')).allowed).toBe(true);
      expect((await b.consume('k1')).allowed).toBe(true);
    });
  });
}
