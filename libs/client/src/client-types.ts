import type { Json, MessageMap, MessageType, WelcomePayload } from '@switchboard/protocol';
import type { SwitchboardError } from './errors.js';
import type { ClientState, StateChange } from './state.js';

/** Limits assumed until the gateway advertises its own: the protocol's defaults. */
export { DEFAULT_LIMITS } from '@switchboard/protocol';

/** Replies by message type, for typed `request()` answers; types left out answer `Json`. */
export type ReplyMap<M extends MessageMap> = Partial<Record<MessageType<M>, unknown>>;
export type Reply<M extends MessageMap, R extends ReplyMap<M>, T extends MessageType<M>> = T extends keyof R ? R[T] : Json | undefined;

/** What `client.on()` listeners receive, by event name. */
export interface ClientEvents {
  state: StateChange;
  /** Failures nobody awaits: discovery, tickets, answers to `send()`. */
  error: SwitchboardError;
  welcome: WelcomePayload;
  /** A reconnect waits until `at` (ms since epoch): for a countdown. `undefined` when the attempt starts. */
  retry: { at: number | undefined };
  /**
   * The counters changed (a frame sent or received, the queue, a round trip measured, a
   * reconnect, a state change): what `stats()` returns now. Pushed, so nothing need poll.
   */
  stats: ClientStats;
}

/** Counters for dashboards and debugging; see `client.stats()`. */
export interface ClientStats {
  state: ClientState;
  /** ms since epoch of the last state change. */
  stateSince: number;
  framesSent: number;
  framesReceived: number;
  reconnects: number;
  queuedFrames: number;
  /** The last ping→pong round trip, ms. */
  lastRttMs?: number;
  /** While waiting to reconnect: when the next attempt starts, ms since epoch. */
  nextRetryAt?: number;
}

/** 64 random bits, as hex: enough that two clients of one user never pick the same ids. */
export function randomPrefix(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
