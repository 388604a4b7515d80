import type {
  BrokerPolicy,
  BucketPolicy,
  ChannelBroker,
  ConnectionRegistry,
  NodeBus,
  RateLimiter,
  TicketStore,
} from './seams/index.js';

/** What every engine is built with, whichever implementation it is. */
export interface EnginePolicy {
  broker: BrokerPolicy;
}

/** What {@link Engine.health} found: the engine answers, or why it does not. */
export type EngineHealth = { healthy: true } | { healthy: false; reason: string };

/**
 * Everything the gateway keeps outside a single connection, one seam each; swapped whole
 * for a cluster engine. Every seam is asynchronous and shares nothing in memory with the
 * caller, so several nodes can share one engine.
 */
export interface Engine {
  readonly name: string;
  /** This node's id, random per process: the address it serves {@link NodeBus} commands under. */
  readonly nodeId: string;
  readonly tickets: TicketStore;
  readonly connections: ConnectionRegistry;
  readonly broker: ChannelBroker;
  readonly bus: NodeBus;
  /** Creates a limiter whose buckets are kept under `namespace`. */
  rateLimiter(namespace: string, policy: BucketPolicy): RateLimiter;
  /** True while the engine answers: {@link Engine.health} without the reason. */
  isHealthy(): Promise<boolean>;
  /** Whether the engine answers, and why not when it does not; `/ready` reports it. */
  health(): Promise<EngineHealth>;
  close(): Promise<void>;
}

/** Nest injection token of the {@link Engine}. */
export const ENGINE = Symbol('ENGINE');
