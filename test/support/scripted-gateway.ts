import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION, SUBPROTOCOL, WS_PATH, type DiscoveryDocument, type Limits, type TicketResponse, type WelcomePayload } from '@switchboard/protocol';

/** A frame the client wrote, as parsed JSON. */
export interface ReceivedFrame {
  type: string;
  id?: string;
  channel?: string;
  payload?: any;
}

/** Writes a frame (stamped with `ts`) back on the connection it answers. */
export type Reply = (frame: Record<string, unknown>) => void;

const LIMITS: Limits = { maxConnectionsPerUser: 5, rateLimit: { messages: 100, intervalMs: 1_000, burst: 50 }, maxMessageBytes: 65_536, heartbeatMs: 25_000 };

/**
 * A fake gateway for what a real one cannot send on demand: malformed, stale or bogus
 * frames. It speaks just enough of the protocol for the SDK to connect: discovery, tickets,
 * a valid `welcome` on every upgrade, `pong` to `ping`. Every other client frame goes to
 * `answer`; `send` writes any text to the latest connection. Start it on an ephemeral
 * port, `close()` it after.
 */
export class ScriptedGateway {
  /** Client frames, `ping` aside, in order, across connections. */
  readonly received: ReceivedFrame[] = [];
  /** Answers a client frame; by default, nothing. */
  answer: (frame: ReceivedFrame, reply: Reply) => void = () => undefined;
  /** The first frame of connection `n` (1, 2, …); by default the welcome as the gateway sends it. */
  greeting: (n: number, welcome: WelcomePayload) => Record<string, unknown> = (_, payload) => ({ type: 'welcome', payload });
  /** Connections accepted so far. */
  connections = 0;
  private readonly wss: WebSocketServer;
  private latest?: WebSocket;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: ReturnType<typeof createServer>) {
    this.wss = new WebSocketServer({ server, path: WS_PATH });
    this.wss.on('connection', (socket) => this.welcome(socket));
  }

  static async start(): Promise<ScriptedGateway> {
    const server = createServer();
    const gateway = new ScriptedGateway(server);
    server.on('request', (request, response) => gateway.serve(request, response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return gateway;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Writes `text` as is to the latest connection. */
  send(text: string): void {
    if (!this.latest) throw new Error('no client is connected');
    this.latest.send(text);
  }

  /** Resolves once `check()` holds; checked again after every frame and connection. */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = () => {
        if (!check()) return;
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
  }

  /** Client frames of `type` received so far. */
  count(type: string): number {
    return this.received.filter((frame) => frame.type === type).length;
  }

  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private welcome(socket: WebSocket): void {
    this.latest = socket;
    this.connections++;
    const reply: Reply = (frame) => socket.send(JSON.stringify({ ...frame, ts: Date.now() }));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ReceivedFrame;
      if (frame.type === 'ping') return reply({ type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) });
      this.received.push(frame);
      this.answer(frame, reply);
      this.changed();
    });
    const payload: WelcomePayload = {
      connectionId: `scripted-${this.connections}`,
      userId: 'scripted',
      protocol: PROTOCOL_VERSION,
      heartbeatMs: LIMITS.heartbeatMs,
      expiresAt: Date.now() + 3_600_000,
      limits: LIMITS,
      serverTime: Date.now(),
    };
    reply(this.greeting(this.connections, payload));
    this.changed();
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', this.url).pathname;
    const ws = `${this.url.replace('http', 'ws')}${WS_PATH}`;
    if (request.method === 'GET' && path === '/ws/config') {
      const discovery: DiscoveryDocument = {
        protocol: PROTOCOL_VERSION,
        websocket: { url: ws, subprotocol: SUBPROTOCOL },
        auth: { ticketUrl: `${this.url}/ws/ticket`, methods: ['ticket'] },
        limits: LIMITS,
        features: { channels: true, history: true, recovery: true },
      };
      return json(response, 200, discovery);
    }
    if (request.method === 'POST' && path === '/ws/ticket') {
      const ticket: TicketResponse = { ticket: 'scripted', expiresAt: Date.now() + 30_000, url: `${ws}?ticket=scripted` };
      return json(response, 201, ticket);
    }
    json(response, 404, { error: { code: 'NOT_FOUND', message: `no ${request.method} ${path}` } });
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
