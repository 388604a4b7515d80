import type { BucketPolicy, Engine, HistoryPolicy } from '../engine.interfaces.js';
import { MemoryChannelBroker } from './memory-channel-broker.js';
import { MemoryConnectionRegistry } from './memory-connection-registry.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { MemoryTicketStore } from './memory-ticket-store.js';

/** How often expired tickets and idle buckets are dropped. */
const SWEEP_INTERVAL_MS = 10_000;

/** The embedded engine of a single node: everything in this process's memory. */
export class MemoryEngine implements Engine {
  readonly name = 'memory';
  readonly tickets: MemoryTicketStore;
  readonly connections = new MemoryConnectionRegistry();
  readonly broker: MemoryChannelBroker;
  private readonly limiters: MemoryRateLimiter[] = [];
  private readonly sweeper: NodeJS.Timeout;

  /** `historyMaxTotalBytes` bounds all channels' history in this process together. */
  constructor(
    history: HistoryPolicy,
    private readonly now: () => number = Date.now,
    historyMaxTotalBytes = Number.POSITIVE_INFINITY,
  ) {
    this.tickets = new MemoryTicketStore(now);
    this.broker = new MemoryChannelBroker(history, now, historyMaxTotalBytes);
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  rateLimiter(_namespace: string, policy: BucketPolicy): MemoryRateLimiter {
    const limiter = new MemoryRateLimiter(policy, this.now);
    this.limiters.push(limiter);
    return limiter;
  }

  async isHealthy(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    this.tickets.sweep();
    this.broker.sweep();
    for (const limiter of this.limiters) limiter.sweep();
  }
}
