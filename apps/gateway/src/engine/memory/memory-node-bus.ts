import type { NodeBus, NodeCommandHandler } from '../seams/index.js';

/** The bus of nodes in one process: every command reaches each served handler directly. */
export class MemoryNodeBus implements NodeBus {
  private readonly nodes = new Map<string, NodeCommandHandler>();

  async serve(nodeId: string, handler: NodeCommandHandler): Promise<() => Promise<void>> {
    if (this.nodes.has(nodeId)) throw new Error(`node ${nodeId} is served already`);
    this.nodes.set(nodeId, handler);
    return async () => {
      if (this.nodes.get(nodeId) === handler) this.nodes.delete(nodeId);
    };
  }

  async closeConnection(connectionId: string, code: number, reason: string): Promise<boolean> {
    let closed = false;
    for (const node of [...this.nodes.values()]) closed = node.closeConnection(connectionId, code, reason) || closed;
    return closed;
  }

  async closeUser(userId: string, code: number, reason: string): Promise<number> {
    let closed = 0;
    for (const node of [...this.nodes.values()]) closed += node.closeUser(userId, code, reason);
    return closed;
  }

  async drain(nodeId: string): Promise<boolean> {
    const node = this.nodes.get(nodeId);
    if (!node) return false;
    await node.drain();
    return true;
  }

  /** Nodes served; lets tests check that stopping frees them. */
  get size(): number {
    return this.nodes.size;
  }
}
