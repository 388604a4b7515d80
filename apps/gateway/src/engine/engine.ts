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
  /** True while the engine answers; `/ready` reports it. */
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** Nest injection token of the {@link Engine}. */
export const ENGINE = Symbol('ENGINE');
