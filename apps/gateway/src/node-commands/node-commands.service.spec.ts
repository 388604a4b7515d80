import { PinoLogger } from 'nestjs-pino';
import { ManualClock } from '../clock/index.js';
import type { ConnectionManager } from '../connections/index.js';
import type { DrainService } from '../drain/index.js';
import { MemoryEngine } from '../engine/index.js';
import { NodeCommandsService } from './node-commands.service.js';

const policy = { broker: { history: { size: 1, ttlMs: 1_000, maxBytes: 1_024 }, idempotencyWindowMs: 1_000 } };

/** A connection as far as node commands see it: an id, a user, a state, and close. */
class FakeConnection {
  state: 'open' | 'closing' = 'open';
  closedWith?: [number, string];

  constructor(
    readonly id: string,
    readonly userId: string,
  ) {}

  close(code: number, reason: string): void {
    this.state = 'closing';
    this.closedWith = [code, reason];
  }
}

function setUp() {
  const engine = new MemoryEngine(policy, new ManualClock());
  const held = [new FakeConnection('a1', 'alice'), new FakeConnection('a2', 'alice'), new FakeConnection('b1', 'bob')];
  const connections = {
    get: (id: string) => held.find((c) => c.id === id),
    closeUser: (userId: string, code: number, reason: string) => {
      const open = held.filter((c) => c.userId === userId && c.state === 'open');
      for (const connection of open) connection.close(code, reason);
      return open.length;
    },
  } as unknown as ConnectionManager;
  let drains = 0;
  const drainer = { drain: async () => void drains++ } as unknown as DrainService;
  const service = new NodeCommandsService(engine, connections, drainer, new PinoLogger({ pinoHttp: { level: 'silent' } }));
  return { engine, held, service, drains: () => drains };
}

describe('NodeCommandsService', () => {
  it("serves the engine's bus under this node's id, and stops at shutdown", async () => {
    const { engine, held, service, drains } = setUp();
    await service.onModuleInit();
    expect(await engine.bus.closeConnection('a2', 4008, 'evicted by a newer connection')).toBe(true);
    expect(held[1].closedWith).toEqual([4008, 'evicted by a newer connection']);
    expect(await engine.bus.closeConnection('a2', 4008, 'evicted by a newer connection')).toBe(false);
    expect(await engine.bus.closeUser('alice', 4003, 'user disabled')).toBe(1);
    expect(held[0].closedWith).toEqual([4003, 'user disabled']);
    expect(held[2].state).toBe('open');
    expect(await engine.bus.drain(engine.nodeId)).toBe(true);
    expect(drains()).toBe(1);
    await service.onModuleDestroy();
    expect(engine.bus.size).toBe(0);
    await engine.close();
  });
});
