import type { Clock } from '../../clock/index.js';
import type { ConnectionRegistry, SlotKey, SlotRequest, SlotResult } from '../seams/index.js';

/**
 * Slots in a Map per user, connection id → lease expiry, in the order they were taken
 * (a renewal keeps a slot's place). Expired leases are dropped when met and by `sweep`.
 */
export class MemoryConnectionRegistry implements ConnectionRegistry {
  private readonly slots = new Map<string, Map<string, number>>();

  constructor(private readonly clock: Clock) {}

  async acquire({ userId, connectionId, max, policy, leaseMs }: SlotRequest): Promise<SlotResult> {
    const held = this.live(userId) ?? new Map<string, number>();
    const expiresAt = this.clock.now() + leaseMs;
    if (held.has(connectionId)) {
      held.set(connectionId, expiresAt);
      return { admitted: true, evicted: [] };
    }
    if (held.size >= max && policy === 'reject') return { admitted: false, held: held.size };
    const evicted: string[] = [];
    for (const oldest of held.keys()) {
      if (held.size < max) break;
      held.delete(oldest);
      evicted.push(oldest);
    }
    held.set(connectionId, expiresAt);
    this.slots.set(userId, held);
    return { admitted: true, evicted };
  }

  async renew(slots: SlotKey[], leaseMs: number): Promise<SlotKey[]> {
    const expiresAt = this.clock.now() + leaseMs;
    const lapsed: SlotKey[] = [];
    for (const slot of slots) {
      const held = this.live(slot.userId);
      if (held?.has(slot.connectionId)) held.set(slot.connectionId, expiresAt);
      else lapsed.push(slot);
    }
    return lapsed;
  }

  async release(userId: string, connectionId: string): Promise<void> {
    const held = this.slots.get(userId);
    if (!held) return;
    held.delete(connectionId);
    if (held.size === 0) this.slots.delete(userId);
  }

  async count(userId: string): Promise<number> {
    return this.live(userId)?.size ?? 0;
  }

  /** Forgets expired leases and the users left with none. */
  sweep(): void {
    for (const userId of this.slots.keys()) this.live(userId);
  }

  /** Users holding at least one slot; lets tests check that nothing leaks. */
  get users(): number {
    return this.slots.size;
  }

  /** The user's unexpired slots, expired ones dropped; undefined when none are left. */
  private live(userId: string): Map<string, number> | undefined {
    const held = this.slots.get(userId);
    if (!held) return undefined;
    const now = this.clock.now();
    for (const [connectionId, expiresAt] of held) if (expiresAt <= now) held.delete(connectionId);
    if (held.size > 0) return held;
    this.slots.delete(userId);
    return undefined;
  }
}
