import { ManualClock } from '../../clock/index.js';
import { describeEngineContract } from '../contract/engine.contract.js';
import { MemoryEngine } from './memory-engine.js';

describeEngineContract('memory', async (policy) => {
  const clock = new ManualClock(1_000_000);
  const engine = new MemoryEngine(policy, clock);
  return {
    engine,
    advance: async (ms) => clock.advance(ms),
  };
});

describe('MemoryEngine housekeeping', () => {
  const policy = { broker: { history: { size: 10, ttlMs: 1_000, maxBytes: 1_024 }, idempotencyWindowMs: 1_000 } };

  it('forgets idle buckets, freed users and lapsed leases on its clock-driven sweep', async () => {
    const clock = new ManualClock();
    const engine = new MemoryEngine(policy, clock);
    const limiter = engine.rateLimiter('m', { capacity: 2, refill: 1, intervalMs: 1_000 });
    for (let i = 0; i < 1_000; i++) await limiter.consume(`user-${i}`);
    for (let i = 0; i < 1_000; i++) {
      await engine.connections.acquire({ userId: `user-${i}`, connectionId: `c-${i}`, max: 1, policy: 'reject', leaseMs: 60_000 });
      await engine.connections.release(`user-${i}`, `c-${i}`);
    }
    for (let i = 0; i < 100; i++) {
      await engine.connections.acquire({ userId: `lapsed-${i}`, connectionId: `l-${i}`, max: 1, policy: 'reject', leaseMs: 5_000 });
    }
    expect(engine.connections.users).toBe(100);
    clock.advance(10_000);
    expect(limiter.size).toBe(0);
    expect(engine.connections.users).toBe(0);
    await engine.close();
    expect(clock.pending).toBe(0);
  });

  it('gives each engine, so each process, its own node id', () => {
    const clock = new ManualClock();
    const engines = [new MemoryEngine(policy, clock), new MemoryEngine(policy, clock)];
    expect(engines[0].nodeId).not.toBe(engines[1].nodeId);
    for (const engine of engines) void engine.close();
  });
});
