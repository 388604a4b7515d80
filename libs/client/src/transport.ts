import RwsModule from 'reconnecting-websocket';
import { SUBPROTOCOL } from '@switchboard/protocol';
import type { Disposer } from './emitter.js';
import type { WebSocketConstructor } from './options.js';

/** The slice of reconnecting-websocket the transport uses. */
interface ReconnectingSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  reconnect(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'message', listener: (event: TransportEvent) => void): void;
  removeEventListener(type: 'open' | 'close' | 'message', listener: (event: TransportEvent) => void): void;
}

interface TransportEvent {
  data?: unknown;
  code?: number;
  target?: unknown;
}

type RwsClass = new (url: () => Promise<string>, protocols: string[], options: Record<string, unknown>) => ReconnectingSocket;

// Node loads the package's CommonJS build (module.exports is the class), bundlers its ESM
// build (the default export is the class): either way the default import is the class,
// whatever its CommonJS typings claim.
const ReconnectingWebSocket = ((RwsModule as { default?: unknown }).default ?? RwsModule) as unknown as RwsClass;

/** Longest a timer can wait: the handshake timeout is the connection manager's, on its clock. */
const NEVER_MS = 2_147_483_647;

/** What the transport tells its owner about the attempt it is on. */
export interface TransportListener {
  /** The WebSocket of the current attempt opened. */
  opened(): void;
  message(data: unknown): void;
  /**
   * The current attempt's socket closed by itself. `fromServer` is false when the close was
   * made up by reconnecting-websocket (a refused handshake, a network error), not sent by the gateway.
   */
  closed(code: number, fromServer: boolean): void;
}

/**
 * reconnecting-websocket as the client's transport, paced by the connection manager: its
 * own delays, queue and connect timeout are off, and whenever it wants to (re)connect, its
 * URL provider waits until the manager dials a ticket URL. Each dial is one attempt; events
 * of an attempt the manager has ended (`drop`) are not reported. `close()` stops it for
 * good: a URL request still open is simply never answered, and no socket is made.
 */
export class Transport {
  private readonly socket: ReconnectingSocket;
  private readonly disposers: Disposer[] = [];
  /** The URL dialed and not yet handed to reconnecting-websocket, and its request waiting for one. */
  private dialed?: string;
  private request?: (url: string) => void;
  /** Whether an attempt is on: its events are reported. */
  private attempting = false;
  /** The WebSocket of the current attempt, to terminate it where it can be (Node's `ws`). */
  private raw?: WebSocket & { terminate?: () => void };

  constructor(WebSocketClass: WebSocketConstructor, listener: TransportListener) {
    const Tracked = withPermanentErrorListener(WebSocketClass, (socket) => (this.raw = socket));
    // It asks for its first URL at once, and for the next one after each close; no delay of its own.
    this.socket = new ReconnectingWebSocket(() => this.nextUrl(), [SUBPROTOCOL], {
      WebSocket: Tracked,
      minReconnectionDelay: 0,
      minUptime: 0,
      connectionTimeout: NEVER_MS,
      maxEnqueuedMessages: 0,
    });
    this.listen('open', () => listener.opened());
    this.listen('message', (event) => listener.message(event.data));
    this.listen('close', (event) => {
      this.attempting = false;
      listener.closed(event.code ?? 1006, event.target !== this.socket);
    });
  }

  /** Starts an attempt on `url`. */
  dial(url: string): void {
    this.attempting = true;
    this.dialed = url;
    this.handOver();
  }

  /**
   * Ends the current attempt or connection at once (a dead heartbeat, a bad welcome, a
   * handshake timeout): nothing more of it is reported. A socket that can be terminated is,
   * rather than left waiting out a close handshake that a half-open connection never answers.
   */
  drop(code: number, reason: string): void {
    this.attempting = false;
    this.raw?.terminate?.();
    this.socket.reconnect(code, reason);
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** Closes the socket with 1000 and stops for good; nothing more is reported. */
  close(): void {
    this.attempting = false;
    for (const dispose of this.disposers.splice(0)) dispose();
    this.socket.close(1000, 'client closed');
  }

  private listen(type: 'open' | 'close' | 'message', handler: (event: TransportEvent) => void): void {
    const listener = (event: TransportEvent) => {
      if (this.attempting) handler(event);
    };
    this.socket.addEventListener(type, listener);
    this.disposers.push(() => this.socket.removeEventListener(type, listener));
  }

  /** reconnecting-websocket's URL provider: it never rejects (that would stall the socket). */
  private nextUrl(): Promise<string> {
    return new Promise((resolve) => {
      this.request = resolve;
      this.handOver();
    });
  }

  private handOver(): void {
    const { dialed, request } = this;
    if (dialed === undefined || !request) return;
    this.dialed = undefined;
    this.request = undefined;
    request(dialed);
  }
}

/**
 * `WebSocketClass` whose every socket has an `error` listener that is never removed, and is
 * reported to `created`. reconnecting-websocket removes its listeners from a socket before it
 * closes it (`reconnect()`), and `ws` reports closing a socket that is still connecting as an
 * `error` event on the next tick: a Node EventEmitter throws an `error` nobody listens to,
 * which would end the user's process. Browsers drop such events anyway, so the same wrapper
 * serves both; `addEventListener` is what `ws` and the DOM have in common.
 */
export function withPermanentErrorListener(WebSocketClass: WebSocketConstructor, created: (socket: WebSocket) => void): WebSocketConstructor {
  return class extends WebSocketClass {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      // What went wrong reaches the client through reconnecting-websocket while it listens, and the close after.
      this.addEventListener('error', () => undefined);
      created(this);
    }
  };
}
