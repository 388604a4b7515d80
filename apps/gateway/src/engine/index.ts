export { ENGINE, type Engine, type EngineHealth, type EnginePolicy } from './engine.js';
export { ENGINE_RETRY_AFTER_MS, EngineUnavailableError, isEngineUnavailable } from './engine-unavailable.js';
export { OutageNotice } from './outage-notice.js';
export type {
  BrokerPolicy,
  BucketPolicy,
  ChannelBroker,
  ConnectionRegistry,
  HistoryPolicy,
  HistoryResult,
  NodeBus,
  NodeCommandHandler,
  Publication,
  PublishResult,
  RateDecision,
  RateLimiter,
  SlotKey,
  SlotRequest,
  SlotResult,
  StreamPosition,
  TicketGrant,
  TicketStore,
} from './seams/index.js';
export { createEngine, enginePolicy } from './create-engine.js';
export { ENGINE_SETTINGS, type EngineSettings } from './engine-settings.js';
export { MemoryEngine, type MemoryEngineOptions } from './memory/index.js';
export { EngineModule } from './engine.module.js';
