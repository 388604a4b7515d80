import { PROTOCOL_VERSION, SUBPROTOCOL, type DiscoveryDocument, type Limits } from '@switchboard/protocol';
import type { NetworkSignals, WebSocketConstructor } from '../options.js';

/** Limits a fake gateway advertises. */
export const FAKE_LIMITS: Limits = {
  maxConnectionsPerUser: 5,
  rateLimit: { messages: 1_000, intervalMs: 1_000, burst: 1_000 },
  maxMessageBytes: 65_536,
  heartbeatMs: 25_000,
};

/**
 * A WebSocket the test plays the server of: it opens when told, records what the client
 * sends, and closes with the code the test picks. Test support, not part of the package.
 */
export class FakeSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CLOSING = 2;
  readyState = FakeSocket.CONNECTING;
  binaryType = 'blob';
  readonly sent: Array<{ type: string; id?: string; channel?: string; payload?: unknown }> = [];
  closedWith?: number;

  constructor(readonly url: string) {
    super();
  }

  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }

  close(code = 1000): void {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.closedWith = code;
    this.readyState = FakeSocket.CLOSED;
  }

  /** The server side: the handshake completes. */
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }

  /** The server side: a frame to the client (`ts` added). */
  deliver(frame: Record<string, unknown>): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data: JSON.stringify({ ts: 1, ...frame }) }));
  }

  /** The server side: the welcome, with a credential that lives an hour. */
  welcome(now: number, limits: Limits = FAKE_LIMITS): void {
    const payload = { connectionId: this.url, userId: 'u1', protocol: PROTOCOL_VERSION, heartbeatMs: limits.heartbeatMs, expiresAt: now + 3_600_000, limits, serverTime: now };
    this.deliver({ type: 'welcome', payload });
  }

  /** The server side: the connection closes with `code`. */
  serverClose(code: number): void {
    this.readyState = FakeSocket.CLOSED;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason: '', wasClean: true }));
  }
}

/**
 * A client environment of fake sockets and a fetch that serves discovery and tickets at once.
 * A connect (or reconnect) reaches its socket only after the fetch and reconnecting-websocket's
 * zero-delay hand-over: `nextSocket()` and `dialed()` wait for that, not for a length of time.
 */
export function fakeEnvironment(limits: Limits = FAKE_LIMITS) {
  const sockets: FakeSocket[] = [];
  const waiting: Array<(socket: FakeSocket) => void> = [];
  const WebSocket = class extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
      for (const resolve of waiting.splice(0)) resolve(this);
    }
  } as unknown as WebSocketConstructor;
  /** The next socket the client makes after this call (call it before what makes the client dial). */
  const nextSocket = (): Promise<FakeSocket> => new Promise((resolve) => waiting.push(resolve));
  let tickets = 0;
  const fetch = (async (input: string | URL | Request) => {
    const url = String(input);
    if (url.endsWith('/ws/config')) {
      const document: DiscoveryDocument = {
        protocol: PROTOCOL_VERSION,
        websocket: { url: 'ws://gateway.test/ws', subprotocol: SUBPROTOCOL },
        auth: { ticketUrl: 'http://gateway.test/ws/ticket', methods: ['ticket', 'header'] },
        limits,
        features: { channels: true, history: true, recovery: true },
      };
      return Response.json(document);
    }
    const ticket = `t${++tickets}`;
    return Response.json({ ticket, expiresAt: Date.now() + 30_000, url: `ws://gateway.test/ws?ticket=${ticket}` }, { status: 201 });
  }) as typeof globalThis.fetch;
  const network: NetworkSignals = { onOnline: () => () => undefined, onVisible: () => () => undefined };
  /**
   * Resolves once every ticket issued so far has its socket: the way to show that nothing
   * dials, since an attempt always asks for a ticket, and one that started (synchronously,
   * on the client's clock or a network signal) asks within a few microtasks — awaiting the
   * client's `getToken()` is the only step before, and no event marks it.
   */
  const dialed = async (): Promise<void> => {
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    while (sockets.length < tickets) await nextSocket();
  };
  return { sockets, WebSocket, fetch, network, latest: () => sockets[sockets.length - 1], nextSocket, dialed };
}
