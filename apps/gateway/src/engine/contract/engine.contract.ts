import type { Engine, EnginePolicy } from '../engine.js';
import { describeBrokerContract } from './channel-broker.contract.js';
import { describeRegistryContract } from './connection-registry.contract.js';
import { describeNodeBusContract } from './node-bus.contract.js';
import { describeRateLimiterContract } from './rate-limiter.contract.js';
import { describeTicketContract } from './ticket-store.contract.js';

/** An engine under test and a way to move its clock forward. */
export interface EngineHarness {
  engine: Engine;
  /** Lets `ms` pass for the engine: a manual clock for memory, real time for Redis. */
  advance(ms: number): Promise<void>;
}

/** Builds a fresh engine with `policy`; called before every case. */
export type MakeHarness = (policy: EnginePolicy) => Promise<EngineHarness>;

/**
 * The policy the contract runs with: windows short enough to wait out in real time, and
 * history small enough that trimming is quick to reach. Cases read their windows from it.
 */
export const CONTRACT_POLICY: EnginePolicy = {
  broker: { history: { size: 5, ttlMs: 1_000, maxBytes: 64 }, idempotencyWindowMs: 250 },
};

/**
 * The behaviour every engine must have, one block per seam. Run it against each
 * implementation with `describeEngineContract('memory', makeHarness)`.
 */
export function describeEngineContract(name: string, makeHarness: MakeHarness): void {
  describe(`engine contract: ${name}`, () => {
    let h: EngineHarness;
    beforeEach(async () => {
      h = await makeHarness(CONTRACT_POLICY);
    });
    afterEach(async () => {
      await h.engine.close();
    });

    describeTicketContract(() => h);
    describeRegistryContract(() => h);
    describeRateLimiterContract(() => h);
    describeBrokerContract(() => h, CONTRACT_POLICY.broker);
    describeNodeBusContract(() => h);

    it('names itself and this node', async () => {
      expect(h.engine.name).toBe(name);
      expect(h.engine.nodeId).toEqual(expect.any(String));
      expect(h.engine.nodeId).not.toBe('');
    });

    it('reports itself healthy', async () => {
      expect(await h.engine.isHealthy()).toBe(true);
    });
  });
}
