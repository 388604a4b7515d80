import RwsModule from 'reconnecting-websocket';
import { SUBPROTOCOL } from '@switchboard/protocol';
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

/**
 * reconnecting-websocket with its own delays and queue turned off: the URL provider
 * waits (full-jitter backoff, or the server's `afterMs`) and fetches a ticket, and the
 * client owns the send queue, so no frame is dropped behind its back.
 */
export function createTransport(
  urlProvider: () => Promise<string>,
  WebSocketClass: WebSocketConstructor,
  connectTimeoutMs: number,
): ReconnectingSocket {
  return new ReconnectingWebSocket(urlProvider, [SUBPROTOCOL], {
    WebSocket: WebSocketClass,
    minReconnectionDelay: 0,
    maxReconnectionDelay: 0,
    reconnectionDelayGrowFactor: 1,
    minUptime: 0,
    connectionTimeout: connectTimeoutMs,
    maxRetries: Infinity,
    maxEnqueuedMessages: 0,
    startClosed: true,
  });
}
