import { PinoLogger } from 'nestjs-pino';
import { ManualClock } from '../clock/index.js';
import type { GatewayConfig } from '../config/index.js';
import { MemoryEngine } from '../engine/index.js';
import type { ConnectionManager } from './connection-manager.service.js';
import { SlotLeaseRenewer } from './slot-lease-renewer.service.js';

const LEASE_MS = 3_000;
const policy = { broker: { history: { size: 1, ttlMs: 1_000, maxBytes: 1_024 }, idempotencyWindowMs: 1_000 } };

/** A renewer over a memory engine, on a manual clock, for the connections in `open`. */
function setUp() {
  const clock = new ManualClock();
  const engine = new MemoryEngine(policy, clock);
  const open: Array<{ id: string; userId: string }> = [];
  const connections = { all: () => open } as unknown as ConnectionManager;
  const config = { engine: { kind: 'memory', slotLeaseMs: LEASE_MS, nodeId: 'n1', redis: { url: 'redis://127.0.0.1:6379/0', prefix: 'sb' } } } as GatewayConfig;
  const renewer = new SlotLeaseRenewer(config, engine, clock, connections, new PinoLogger({ pinoHttp: { level: 'silent' } }));
  const take = (userId: string, connectionId: string) =>
    engine.connections.acquire({ userId, connectionId, max: 1, policy: 'reject', leaseMs: LEASE_MS });
  return { clock, engine, open, renewer, take };
}

/** Lets the manual clock run, then the renewals its timers started settle. */
async function pass(clock: ManualClock, ms: number): Promise<void> {
  for (let step = 0; step < ms; step += 500) {
    clock.advance(500);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('SlotLeaseRenewer', () => {
  it('keeps the slots of the connections this node holds, every third of the lease', async () => {
    const { clock, engine, open, renewer, take } = setUp();
    await take('alice', 'a1');
    open.push({ id: 'a1', userId: 'alice' });
    renewer.onModuleInit();
    await pass(clock, LEASE_MS * 4);
    expect(await engine.connections.count('alice')).toBe(1);
    renewer.onModuleDestroy();
    await engine.close();
    expect(clock.pending).toBe(0);
  });

  it('lets the slot of a connection no longer held here expire', async () => {
    const { clock, engine, renewer, take } = setUp();
    await take('bob', 'b1');
    renewer.onModuleInit();
    await pass(clock, LEASE_MS + 500);
    expect(await engine.connections.count('bob')).toBe(0);
    renewer.onModuleDestroy();
    await engine.close();
  });
});
