import type { Clock } from '../../clock/index.js';
import type { TicketGrant, TicketStore } from '../seams/index.js';

/** Tickets in a Map; expired ones are dropped when met and by a periodic sweep. */
export class MemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, { grant: TicketGrant; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  async put(ticket: string, grant: TicketGrant, ttlMs: number): Promise<void> {
    this.tickets.set(ticket, { grant, expiresAt: this.clock.now() + ttlMs });
  }

  async take(ticket: string): Promise<TicketGrant | null> {
    const entry = this.tickets.get(ticket);
    if (!entry) return null;
    this.tickets.delete(ticket);
    return entry.expiresAt > this.clock.now() ? entry.grant : null;
  }

  /** Forgets expired tickets that were never spent. */
  sweep(): void {
    const now = this.clock.now();
    for (const [ticket, entry] of this.tickets) {
      if (entry.expiresAt <= now) this.tickets.delete(ticket);
    }
  }
}
