import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

describe('backoffDelay (full jitter)', () => {
  const draws = 20_000;

  it.each([0, 1, 3, 10])('spreads attempt %i uniformly over [0, min(cap, initial·factor^n)]', (attempt) => {
    const ceiling = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.initialMs * DEFAULT_BACKOFF.factor ** attempt);
    const values = Array.from({ length: draws }, () => backoffDelay(attempt, DEFAULT_BACKOFF));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(ceiling);
    const mean = values.reduce((a, b) => a + b, 0) / draws;
    // Uniform: mean ceiling/2, standard error ceiling/sqrt(12·draws); 5 standard errors of room.
    expect(Math.abs(mean - ceiling / 2)).toBeLessThan((5 * ceiling) / Math.sqrt(12 * draws));
    const deciles = new Array(10).fill(0);
    for (const value of values) deciles[Math.min(9, Math.floor((value / ceiling) * 10))]++;
    for (const count of deciles) expect(Math.abs(count - draws / 10)).toBeLessThan(draws / 10 * 0.15);
  });

  it('follows the configured initial delay, factor and cap', () => {
    const options = { initialMs: 100, factor: 3, maxMs: 1_000 };
    expect(backoffDelay(0, options, () => 0.999)).toBe(99);
    expect(backoffDelay(2, options, () => 0.999)).toBe(899);
    expect(backoffDelay(5, options, () => 0.999)).toBe(999);
    expect(backoffDelay(4, options, () => 0)).toBe(0);
  });

  it('spreads 10,000 clients of a restarted gateway: no second gets more than a few percent', () => {
    const attempt = 6; // 30 s window at the defaults
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const second = Math.floor(backoffDelay(attempt, DEFAULT_BACKOFF) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThan(10_000 * 0.05);
  });
});
