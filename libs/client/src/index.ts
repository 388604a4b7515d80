export { createClient, SwitchboardClient } from './client.js';
export type { ClientEvents, ClientStats, ReplyMap } from './client-types.js';
export type { ClientOptions, NetworkSignals, WebSocketConstructor } from './options.js';
export { SwitchboardError, ClientErrorCode } from './errors.js';
export { Subscription, type ChannelMessage, type SubscriptionState, type SubscriptionEvents } from './subscription.js';
export {
  CLIENT_TRANSITIONS,
  clientState,
  type ClientEvent,
  type ClientState,
  type ConnectionPhase,
  type ConnectionStatus,
  type FailureReason,
  type StateChange,
} from './state.js';
export { SUBSCRIPTION_TRANSITIONS, type SubscriptionEvent } from './subscription-state.js';
export { closeAction, type CloseAction } from './close-policy.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export type { Disposer } from './emitter.js';
export type { Json, MessageMap, MessagePayload, MessageType, WelcomePayload } from '@switchboard/protocol';
