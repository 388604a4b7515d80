import { CloseCode } from '@switchboard/protocol';
import type { NodeCommandHandler } from '../seams/index.js';
import type { EngineHarness } from './engine.contract.js';

/** A node that holds some connections and records what the bus asked of it. */
class FakeNode implements NodeCommandHandler {
  private readonly open: Map<string, string>;
  readonly closed: Array<{ connectionId: string; code: number; reason: string }> = [];
  drains = 0;

  /** `connections` maps each connection id this node holds to its user. */
  constructor(connections: Record<string, string>) {
    this.open = new Map(Object.entries(connections));
  }

  closeConnection(connectionId: string, code: number, reason: string): boolean {
    if (!this.open.delete(connectionId)) return false;
    this.closed.push({ connectionId, code, reason });
    return true;
  }

  closeUser(userId: string, code: number, reason: string): number {
    const ids = [...this.open].filter(([, user]) => user === userId).map(([id]) => id);
    for (const id of ids) this.closeConnection(id, code, reason);
    return ids.length;
  }

  async drain(): Promise<void> {
    this.drains++;
  }
}

/** Node bus behaviour, with two nodes served on one engine. */
export function describeNodeBusContract(harness: () => EngineHarness): void {
  describe('node bus', () => {
    const bus = () => harness().engine.bus;
    let stops: Array<() => Promise<void>>;
    let a: FakeNode;
    let b: FakeNode;

    beforeEach(async () => {
      a = new FakeNode({ a1: 'alice', a2: 'alice', a3: 'bob' });
      b = new FakeNode({ b1: 'alice', b2: 'carol' });
      stops = [await bus().serve('node-a', a), await bus().serve('node-b', b)];
    });
    afterEach(async () => {
      for (const stop of stops) await stop();
    });

    it('closes one connection on the node that holds it', async () => {
      expect(await bus().closeConnection('b2', CloseCode.EVICTED, 'evicted by a newer connection')).toBe(true);
      expect(b.closed).toEqual([{ connectionId: 'b2', code: CloseCode.EVICTED, reason: 'evicted by a newer connection' }]);
      expect(a.closed).toEqual([]);
    });

    it('answers false for a connection no node holds', async () => {
      expect(await bus().closeConnection('nowhere', CloseCode.EVICTED, 'evicted')).toBe(false);
    });

    it("closes a user's connections on every node and counts them all", async () => {
      expect(await bus().closeUser('alice', CloseCode.FORBIDDEN, 'user disabled')).toBe(3);
      expect(a.closed.map((c) => c.connectionId).sort()).toEqual(['a1', 'a2']);
      expect(b.closed).toEqual([{ connectionId: 'b1', code: CloseCode.FORBIDDEN, reason: 'user disabled' }]);
      expect(await bus().closeUser('alice', CloseCode.FORBIDDEN, 'user disabled')).toBe(0);
      expect(await bus().closeUser('nobody', CloseCode.FORBIDDEN, 'user disabled')).toBe(0);
    });

    it('drains the node it names and no other', async () => {
      expect(await bus().drain('node-b')).toBe(true);
      expect([a.drains, b.drains]).toEqual([0, 1]);
      expect(await bus().drain('node-unknown')).toBe(false);
    });

    it('stops bringing commands to a node that stopped serving', async () => {
      await stops[0]();
      expect(await bus().closeUser('alice', CloseCode.FORBIDDEN, 'user disabled')).toBe(1);
      expect(await bus().drain('node-a')).toBe(false);
      expect(a.closed).toEqual([]);
    });
  });
}
