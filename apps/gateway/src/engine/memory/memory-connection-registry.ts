import type { ConnectionRegistry, SlotResult } from '../engine.interfaces.js';

/** Per-user slots in insertion order, so the first one is always the oldest. */
export class MemoryConnectionRegistry implements ConnectionRegistry {
  private readonly slots = new Map<string, Set<string>>();

  async acquire(
    userId: string,
    connectionId: string,
    max: number,
    policy: 'reject' | 'evict-oldest',
  ): Promise<SlotResult> {
    const held = this.slots.get(userId) ?? new Set<string>();
    if (held.has(connectionId)) return { admitted: true, evicted: [] };
    if (held.size >= max && policy === 'reject') return { admitted: false, held: held.size };
    const evicted: string[] = [];
    for (const oldest of held) {
      if (held.size < max) break;
      held.delete(oldest);
      evicted.push(oldest);
    }
    held.add(connectionId);
    this.slots.set(userId, held);
    return { admitted: true, evicted };
  }

  async release(userId: string, connectionId: string): Promise<void> {
    const held = this.slots.get(userId);
    if (!held) return;
    held.delete(connectionId);
    if (held.size === 0) this.slots.delete(userId);
  }

  async count(userId: string): Promise<number> {
    return this.slots.get(userId)?.size ?? 0;
  }

  /** Users holding at least one slot; lets tests check that nothing leaks. */
  get users(): number {
    return this.slots.size;
  }
}
