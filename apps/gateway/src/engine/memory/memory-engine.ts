import { randomUUID } from 'node:crypto';
import type { Clock, ClockTimer } from '../../clock/index.js';
import type { Engine, EngineHealth, EnginePolicy } from '../engine.js';
import type { BucketPolicy } from '../seams/index.js';
import { MemoryChannelBroker } from './memory-channel-broker.js';
import { MemoryConnectionRegistry } from './memory-connection-registry.js';
import { MemoryNodeBus } from './memory-node-bus.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { MemoryTicketStore } from './memory-ticket-store.js';

/** How often expired tickets, leases and history and idle buckets are dropped. */
const SWEEP_INTERVAL_MS = 10_000;

/** What the memory engine is built with beside the {@link EnginePolicy}. */
export interface MemoryEngineOptions extends EnginePolicy {
  /** Bytes of history all channels in this process hold together; unbounded when unset. */
  historyMaxTotalBytes?: number;
  /** This node's id; random when unset. */
  nodeId?: string;
}

/** The embedded engine of a single node: everything in this process's memory. */
export class MemoryEngine implements Engine {
  readonly name = 'memory';
  readonly nodeId: string;
  readonly tickets: MemoryTicketStore;
  readonly connections: MemoryConnectionRegistry;
  readonly broker: MemoryChannelBroker;
  readonly bus = new MemoryNodeBus();
  private readonly limiters: MemoryRateLimiter[] = [];
  private readonly sweeper: ClockTimer;

  /** Reads time and runs its sweeper only through `clock`, so a test drives every expiry. */
  constructor(
    options: MemoryEngineOptions,
    private readonly clock: Clock,
  ) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.tickets = new MemoryTicketStore(clock);
    this.connections = new MemoryConnectionRegistry(clock);
    this.broker = new MemoryChannelBroker(options.broker, clock, options.historyMaxTotalBytes);
    this.sweeper = clock.setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  rateLimiter(_namespace: string, policy: BucketPolicy): MemoryRateLimiter {
    const limiter = new MemoryRateLimiter(policy, this.clock);
    this.limiters.push(limiter);
    return limiter;
  }

  async isHealthy(): Promise<boolean> {
    return true;
  }

  /** Always healthy: this process is the engine. */
  async health(): Promise<EngineHealth> {
    return { healthy: true };
  }

  async close(): Promise<void> {
    this.clock.clearInterval(this.sweeper);
  }

  private sweep(): void {
    this.tickets.sweep();
    this.connections.sweep();
    this.broker.sweep();
    for (const limiter of this.limiters) limiter.sweep();
  }
}
