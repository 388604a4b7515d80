export {
  ENGINE,
  IDEMPOTENCY_WINDOW_MS,
  type BucketPolicy,
  type ChannelBroker,
  type HistoryPolicy,
  type HistoryResult,
  type Publication,
  type PublishResult,
  type StreamPosition,
  type ConnectionRegistry,
  type Engine,
  type RateDecision,
  type RateLimiter,
  type SlotResult,
  type TicketGrant,
  type TicketStore,
} from './engine.interfaces.js';
export { MemoryEngine } from './memory/index.js';
export { EngineModule } from './engine.module.js';
