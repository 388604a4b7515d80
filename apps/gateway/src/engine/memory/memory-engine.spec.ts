import { describeEngineContract } from '../contract/engine.contract.js';
import { MemoryEngine } from './memory-engine.js';

describeEngineContract('memory', async (history) => {
  let now = 1_000_000;
  const engine = new MemoryEngine(history, () => now);
  return {
    engine,
    advance: async (ms) => {
      now += ms;
    },
  };
});

describe('MemoryEngine housekeeping', () => {
  it('forgets idle buckets and freed users, so memory does not grow with past traffic', async () => {
    let now = 0;
    const engine = new MemoryEngine({ size: 10, ttlMs: 1_000, maxBytes: 1_024 }, () => now);
    const limiter = engine.rateLimiter('m', { capacity: 2, refill: 1, intervalMs: 1_000 });
    for (let i = 0; i < 1_000; i++) await limiter.consume(`user-${i}`);
    for (let i = 0; i < 1_000; i++) {
      await engine.connections.acquire(`user-${i}`, `c-${i}`, 1, 'reject');
      await engine.connections.release(`user-${i}`, `c-${i}`);
    }
    now += 2_000;
    limiter.sweep();
    expect(limiter.size).toBe(0);
    expect(engine.connections.users).toBe(0);
    await engine.close();
  });
});
