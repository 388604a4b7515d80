import RwsModule from 'reconnecting-websocket';
import { SUBPROTOCOL } from '@switchboard/protocol';
import { SwitchboardError } from './errors.js';
import type { WebSocketConstructor } from './options.js';

/** The slice of reconnecting-websocket the client uses. */
export interface ReconnectingSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  reconnect(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string; target: unknown }) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
}

type RwsClass = new (url: () => Promise<string>, protocols: string[], options: Record<string, unknown>) => ReconnectingSocket;

// Node loads the package's CommonJS build (module.exports is the class), bundlers its ESM
// build (the default export is the class): either way the default import is the class,
// whatever its CommonJS typings claim.
const ReconnectingWebSocket = ((RwsModule as { default?: unknown }).default ?? RwsModule) as unknown as RwsClass;

/** The message of the error event reconnecting-websocket raises when a connect attempt times out. */
const RWS_TIMEOUT = 'TIMEOUT';

/**
 * reconnecting-websocket with its own delays and queue turned off: the URL provider
 * waits (full-jitter backoff, or the server's `afterMs`) and fetches a ticket, and the
 * client owns the send queue, so no frame is dropped behind its back. A handshake still
 * unfinished after `connectTimeoutMs` is abandoned; reconnecting-websocket then closes
 * with a `close` event whose target is itself (a failed attempt, see `Connector.afterClose`)
 * and `timedOut` hears about it.
 */
export function createTransport(
  urlProvider: () => Promise<string>,
  WebSocketClass: WebSocketConstructor,
  connectTimeoutMs: number,
  timedOut: (error: SwitchboardError) => void,
): ReconnectingSocket {
  const socket = new ReconnectingWebSocket(urlProvider, [SUBPROTOCOL], {
    WebSocket: withPermanentErrorListener(WebSocketClass),
    minReconnectionDelay: 0,
    maxReconnectionDelay: 0,
    reconnectionDelayGrowFactor: 1,
    minUptime: 0,
    connectionTimeout: connectTimeoutMs,
    maxRetries: Infinity,
    maxEnqueuedMessages: 0,
    startClosed: true,
  });
  socket.addEventListener('error', (event) => {
    if (event.message !== RWS_TIMEOUT) return;
    timedOut(new SwitchboardError('TIMEOUT', `the WebSocket handshake did not complete within ${connectTimeoutMs} ms`, { recoverable: true }));
  });
  return socket;
}

/**
 * `WebSocketClass` whose every socket has an `error` listener that is never removed.
 * reconnecting-websocket removes its listeners from a socket before it closes it (a connect
 * timeout, `reconnect()`), and `ws` reports closing a socket that is still connecting as an
 * `error` event on the next tick: a Node EventEmitter throws an `error` nobody listens to,
 * which would end the user's process. Browsers drop such events anyway, so the same wrapper
 * serves both; `addEventListener` is what `ws` and the DOM have in common.
 */
function withPermanentErrorListener(WebSocketClass: WebSocketConstructor): WebSocketConstructor {
  return class extends WebSocketClass {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      // What went wrong reaches the client through reconnecting-websocket while it listens, and the close after.
      this.addEventListener('error', () => undefined);
    }
  };
}
