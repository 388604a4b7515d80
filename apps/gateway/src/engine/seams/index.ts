export type { TicketGrant, TicketStore } from './ticket-store.js';
export type { ConnectionRegistry, SlotKey, SlotRequest, SlotResult } from './connection-registry.js';
export type { BucketPolicy, RateDecision, RateLimiter } from './rate-limiter.js';
export type {
  BrokerPolicy,
  ChannelBroker,
  HistoryPolicy,
  HistoryResult,
  Publication,
  PublishResult,
  StreamPosition,
} from './channel-broker.js';
export type { NodeBus, NodeCommandHandler } from './node-bus.js';
