import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import type { Disposer } from './emitter.js';

/** The WebSocket class to use: the browser's, or `ws` in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Network signals that make a waiting client try again at once. */
export interface NetworkSignals {
  /** Calls back when the device goes back online. */
  onOnline(callback: () => void): Disposer;
  /** Calls back when the page becomes visible again. */
  onVisible(callback: () => void): Disposer;
}

/** Options of {@link createClient}; only `url` and `getToken` are required. */
export interface ClientOptions {
  /** The gateway's base URL, where `GET /ws/config` is served, e.g. `https://gw.example.com`. */
  url: string;
  /** Returns a JWT. Called before every connect (for a ticket) and before the credential expires. */
  getToken: () => string | Promise<string>;
  /** @default globalThis.WebSocket (pass `ws`'s in Node 20) */
  WebSocket?: WebSocketConstructor;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Reconnect delays: exponential with full jitter. @default { initialMs: 500, factor: 2, maxMs: 30000 } */
  backoff?: Partial<BackoffOptions>;
  /**
   * A WebSocket handshake not completed by then is abandoned, reported on `error` as
   * `TIMEOUT`, and retried with backoff; it bounds each discovery and ticket request too.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Default timeout of `request()` and `publish()`: how long the frame may wait for its answer
   * on connections, in total across reconnects; waiting for a connection does not count.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /** Frames waiting while not connected, at most. @default 1000 */
  maxQueuedFrames?: number;
  /** Bytes waiting while not connected, at most. @default 1048576 */
  maxQueuedBytes?: number;
  /** How long to wait for a `pong` before the connection counts as dead. @default 10000 */
  pongTimeoutMs?: number;
  /** The new token is fetched this long before the credential expires. @default 30000 */
  refreshBeforeExpiryMs?: number;
  /** Failed connects in a row after which the discovery document is fetched again. @default 3 */
  discoveryRefetchAfter?: number;
  /** Start connecting at once. @default true */
  autoConnect?: boolean;
  /** @default the browser's `online` and `visibilitychange` events, none in Node */
  network?: NetworkSignals;
  /**
   * The time and the timers every part of the client runs on (heartbeat, reconnect delays,
   * request and handshake timeouts, retries, credential refresh): pass a fake one to drive
   * time in tests. `close()` cancels every timer the client started on it.
   * @default the global `Date.now`, `setTimeout`, `clearTimeout`, `setInterval`, `clearInterval`
   */
  clock?: Clock;
  /** Overrides the clock's `now` alone. @default clock.now */
  now?: () => number;
  /** Randomness of the backoff's jitter, injectable for tests. @default Math.random */
  random?: () => number;
}

/** The options with every default filled in; internal. */
export type ResolvedOptions = Required<Omit<ClientOptions, 'backoff' | 'WebSocket' | 'fetch' | 'now'>> &
  Pick<ClientOptions, 'WebSocket' | 'fetch'> & {
    backoff: BackoffOptions;
  };

/** What a connect needs from the environment. */
export interface ConnectEnvironment {
  WebSocket: WebSocketConstructor;
  fetch: typeof fetch;
}

/** Fills in every default. Touches no browser API, so a client can be created during a server render. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  return {
    url: options.url.replace(/\/+$/, ''),
    getToken: options.getToken,
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    maxQueuedFrames: options.maxQueuedFrames ?? 1_000,
    maxQueuedBytes: options.maxQueuedBytes ?? 1_048_576,
    pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
    refreshBeforeExpiryMs: options.refreshBeforeExpiryMs ?? 30_000,
    discoveryRefetchAfter: options.discoveryRefetchAfter ?? 3,
    autoConnect: options.autoConnect ?? true,
    network: options.network ?? browserNetworkSignals(),
    clock: withNow(options.clock ?? systemClock, options.now),
    random: options.random ?? Math.random,
  };
}

/** `clock` with `now` in place of its own; it may be a class instance, so its methods are called on it. */
function withNow(clock: Clock, now: (() => number) | undefined): Clock {
  if (!now) return clock;
  return {
    now,
    setTimeout: (task, ms) => clock.setTimeout(task, ms),
    clearTimeout: (handle) => clock.clearTimeout(handle),
    setInterval: (task, ms) => clock.setInterval(task, ms),
    clearInterval: (handle) => clock.clearInterval(handle),
  };
}

/**
 * The WebSocket and fetch to connect with: the options', else the global ones.
 * @throws {TypeError} when the environment has neither and the options name none.
 */
export function connectEnvironment(options: ResolvedOptions): ConnectEnvironment {
  const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocketClass) throw new TypeError('no WebSocket implementation: pass options.WebSocket (e.g. from the ws package)');
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (!fetchImpl) throw new TypeError('no fetch implementation: pass options.fetch');
  return { WebSocket: WebSocketClass, fetch: fetchImpl };
}

/** `online` and `visibilitychange` where they exist; nothing in Node. */
function browserNetworkSignals(): NetworkSignals {
  const scope = globalThis as Partial<EventTarget> & { document?: Document };
  const listen = (target: Partial<EventTarget> | undefined, event: string, callback: () => void): Disposer => {
    if (typeof target?.addEventListener !== 'function') return () => undefined;
    target.addEventListener(event, callback);
    return () => target.removeEventListener?.(event, callback);
  };
  return {
    onOnline: (callback) => listen(scope, 'online', callback),
    onVisible: (callback) =>
      listen(scope.document, 'visibilitychange', () => {
        if (scope.document?.visibilityState === 'visible') callback();
      }),
  };
}
