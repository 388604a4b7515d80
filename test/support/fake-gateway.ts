import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION, SUBPROTOCOL, WS_PATH, type DiscoveryDocument, type Json, type Limits, type TicketResponse, type WelcomePayload } from '@switchboard/protocol';
import { waitFor } from './wait.js';

/** A frame the client sent, as parsed; `raw` holds text that was not JSON. */
export type SentFrame = { type: string; id?: string; channel?: string; payload?: any; raw?: string };

/** What an upgrade on `/ws` gets: a welcomed connection, or a TCP connection never answered. */
export type UpgradeMode = 'accept' | 'stall';

export interface FakeGatewayOptions {
  /** Advertised in discovery and every welcome. @default the protocol's, with a rate limit tests never reach */
  limits?: Partial<Limits>;
  /** Called with every frame a client sends, after it is recorded. @default answers `ping` with `pong` */
  answer?: (frame: SentFrame, connection: FakeConnection) => void;
  /** A fixed port, to be the gateway a client was refused by before. @default an ephemeral one */
  port?: number;
}

/** The first frame of connection `n` (1, 2, …), given the welcome the gateway would send. */
export type Greeting = (n: number, welcome: WelcomePayload) => Record<string, unknown>;

const DEFAULT_LIMITS: Limits = {
  maxConnectionsPerUser: 5,
  rateLimit: { messages: 100_000, intervalMs: 1_000, burst: 100_000 },
  maxMessageBytes: 65_536,
  heartbeatMs: 25_000,
};

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization, content-type', 'access-control-allow-methods': 'GET, POST' };

/** One accepted WebSocket; the test speaks for the server through it. */
export class FakeConnection {
  readonly received: SentFrame[] = [];
  readonly closed: Promise<{ code: number }>;
  private silent = false;

  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
    private readonly tcp: Socket,
  ) {
    this.closed = once(socket, 'close').then(([code]) => ({ code: code as number }));
  }

  /** Any text, valid JSON or not. */
  sendText(text: string): void {
    if (!this.silent) this.socket.send(text);
  }

  sendBinary(bytes: Uint8Array): void {
    if (!this.silent) this.socket.send(bytes, { binary: true });
  }

  /** A server frame, stamped with `ts` as the gateway stamps every frame. */
  send<F extends { type: string }>(frame: F): void {
    this.sendText(JSON.stringify({ ...frame, ts: Date.now() }));
  }

  ack(id: string, payload?: Json): void {
    this.send({ type: 'ack', id, ...(payload === undefined ? {} : { payload }) });
  }

  error(id: string | undefined, code: string, message = code, extra: { recoverable?: boolean; retryAfterMs?: number } = {}): void {
    this.send({ type: 'error', ...(id === undefined ? {} : { id }), payload: { code, message, recoverable: false, ...extra } });
  }

  close(code: number, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame: the client sees 1006. */
  terminate(): void {
    this.socket.terminate();
  }

  /** Stops reading and writing while the TCP connection stays up: a half-open connection. */
  halfOpen(): void {
    this.silent = true;
    this.tcp.pause();
  }
}

/**
 * A scriptable Switchboard server for failures a real gateway cannot produce on demand
 * (malformed frames, half-open sockets, upgrades never answered). It serves `GET /ws/config`,
 * `POST /ws/ticket` (any token) and `/ws` with `switchboard.v1`, welcomes each connection as
 * the gateway does, and leaves every other frame to the test. Its URLs follow the request's
 * Host, so it also works behind a {@link TcpProxy}. CORS is open, for browser pages.
 */
export class FakeGateway {
  readonly connections: FakeConnection[] = [];
  /** Upgrade requests held unanswered in `stall` mode. */
  stalledUpgrades = 0;
  /** When each upgrade request on `/ws` arrived (ms since epoch), in order, whatever the mode. */
  readonly upgrades: number[] = [];
  upgradeMode: UpgradeMode = 'accept';
  /** Called with every frame a client sends (see {@link FakeGatewayOptions.answer}); a test may swap it. */
  answer: NonNullable<FakeGatewayOptions['answer']>;
  /** What each connection gets first; by default the welcome as the gateway sends it. */
  greeting: Greeting = (_, payload) => ({ type: 'welcome', payload });
  readonly limits: Limits;
  private readonly events = new EventEmitter();
  private readonly held = new Set<Socket>();
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false) });

  private constructor(
    private readonly server: Server,
    options: FakeGatewayOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.answer = options.answer ?? ((frame, connection) => frame.type === 'ping' && connection.send({ type: 'pong', ...(frame.id ? { id: frame.id } : {}) }));
  }

  static async start(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
    const server = createServer();
    const gateway = new FakeGateway(server, options);
    server.on('request', (request, response) => gateway.serve(request, response));
    server.on('upgrade', (request, socket: Socket, head: Buffer) => gateway.upgrade(request, socket, head));
    server.listen(options.port ?? 0, '127.0.0.1');
    await once(server, 'listening');
    return gateway;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The base URL a client is created with. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The newest connection, if any. */
  latest(): FakeConnection | undefined {
    return this.connections.at(-1);
  }

  /** Resolves with connection number `index` (0 is the first) once it is welcomed. */
  connection(index: number, timeoutMs?: number): Promise<FakeConnection> {
    return waitFor(this.events, 'change', () => this.connections[index], `connection #${index}`, timeoutMs);
  }

  /** Frames of `type` clients sent, across connections (in connection order). */
  frames(type: string): SentFrame[] {
    return this.connections.flatMap((connection) => connection.received.filter((frame) => frame.type === type));
  }

  /** Resolves once `count` upgrades are held in `stall` mode. */
  stalled(count: number, timeoutMs?: number): Promise<number> {
    return waitFor(this.events, 'change', () => (this.stalledUpgrades >= count ? this.stalledUpgrades : undefined), `${count} stalled upgrades`, timeoutMs);
  }

  /** Frees everything: connections, held upgrades, the port. */
  async close(): Promise<void> {
    for (const socket of this.held) socket.destroy();
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private base(request: IncomingMessage): { http: string; ws: string } {
    const http = `http://${request.headers.host ?? `127.0.0.1:${this.port}`}`;
    return { http, ws: `${http.replace('http', 'ws')}${WS_PATH}` };
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const { http, ws } = this.base(request);
    if (request.method === 'OPTIONS') return void response.writeHead(204, CORS).end();
    if (request.method === 'GET' && path === '/ws/config') {
      const document: DiscoveryDocument = {
        protocol: PROTOCOL_VERSION,
        websocket: { url: ws, subprotocol: SUBPROTOCOL },
        auth: { ticketUrl: `${http}/ws/ticket`, methods: ['ticket', 'header'] },
        limits: this.limits,
        features: { channels: true, history: true, recovery: true },
      };
      return json(response, 200, document);
    }
    if (request.method === 'POST' && path === '/ws/ticket') {
      const ticket = `fake-ticket-${this.connections.length}`;
      const answer: TicketResponse = { ticket, expiresAt: Date.now() + 30_000, url: `${ws}?ticket=${ticket}` };
      return json(response, 201, answer);
    }
    json(response, 404, { error: { code: 'NOT_FOUND', message: `no ${request.method} ${path}` } });
  }

  private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    // A client that gives up resets its connection: expected here, not a failure of the server.
    socket.on('error', () => undefined);
    this.upgrades.push(Date.now());
    if (this.upgradeMode === 'stall') {
      this.held.add(socket);
      socket.on('close', () => this.held.delete(socket));
      this.stalledUpgrades++;
      return void this.events.emit('change');
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, socket));
  }

  private accept(ws: WebSocket, tcp: Socket): void {
    const connection = new FakeConnection(`fake-connection-${this.connections.length + 1}`, ws, tcp);
    const now = Date.now();
    const welcome: WelcomePayload = {
      connectionId: connection.id,
      userId: 'fake-user',
      protocol: PROTOCOL_VERSION,
      heartbeatMs: this.limits.heartbeatMs,
      expiresAt: now + 3_600_000,
      limits: this.limits,
      serverTime: now,
    };
    connection.send(this.greeting(this.connections.length + 1, welcome) as { type: string });
    ws.on('message', (data) => {
      const text = String(data);
      let frame: SentFrame;
      try {
        frame = JSON.parse(text) as SentFrame;
      } catch {
        frame = { type: '', raw: text };
      }
      connection.received.push(frame);
      this.events.emit('change');
      this.answer(frame, connection);
    });
    ws.on('error', () => undefined);
    this.connections.push(connection);
    this.events.emit('change');
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...CORS, 'content-type': 'application/json' }).end(JSON.stringify(body));
}
