import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PROTOCOL_VERSION, SUBPROTOCOL, WS_PATH, type DiscoveryDocument, type TicketResponse } from '@switchboard/protocol';

/**
 * A fake gateway for a failure a real one cannot produce on demand: discovery and tickets
 * are served correctly, but a WebSocket upgrade is read and never answered, as behind a
 * proxy or a network that swallows the handshake. Start it on an ephemeral port, `close()` it after.
 */
export class StallingGateway {
  /** When each upgrade request arrived (ms since epoch), in order. */
  readonly upgrades: number[] = [];
  private readonly held = new Set<Socket>();
  private readonly upgradeWaiters = new Set<{ count: number; resolve: () => void }>();

  private constructor(private readonly server: ReturnType<typeof createServer>) {}

  static async start(): Promise<StallingGateway> {
    const server = createServer();
    const gateway = new StallingGateway(server);
    server.on('request', (request, response) => gateway.serve(request, response));
    server.on('upgrade', (_request, socket: Socket) => gateway.stall(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return gateway;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` upgrade requests have arrived. */
  upgraded(count: number): Promise<void> {
    if (this.upgrades.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.upgradeWaiters.add({ count, resolve }));
  }

  async close(): Promise<void> {
    for (const socket of this.held) socket.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private stall(socket: Socket): void {
    this.upgrades.push(Date.now());
    this.held.add(socket);
    // The client aborting its handshake resets the connection: expected, not a failure of the server.
    socket.on('error', () => undefined).on('close', () => this.held.delete(socket));
    for (const waiter of this.upgradeWaiters) {
      if (this.upgrades.length < waiter.count) continue;
      this.upgradeWaiters.delete(waiter);
      waiter.resolve();
    }
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', this.url).pathname;
    if (request.method === 'GET' && path === '/ws/config') return json(response, 200, this.discovery());
    if (request.method === 'POST' && path === '/ws/ticket') {
      const ticket: TicketResponse = { ticket: 'stalled', expiresAt: Date.now() + 30_000, url: `${this.url.replace('http', 'ws')}${WS_PATH}?ticket=stalled` };
      return json(response, 201, ticket);
    }
    json(response, 404, { error: { code: 'NOT_FOUND', message: `no ${request.method} ${path}` } });
  }

  private discovery(): DiscoveryDocument {
    return {
      protocol: PROTOCOL_VERSION,
      websocket: { url: `${this.url.replace('http', 'ws')}${WS_PATH}`, subprotocol: SUBPROTOCOL },
      auth: { ticketUrl: `${this.url}/ws/ticket`, methods: ['ticket'] },
      limits: { maxConnectionsPerUser: 5, rateLimit: { messages: 100, intervalMs: 1_000, burst: 20 }, maxMessageBytes: 65_536, heartbeatMs: 25_000 },
      features: { channels: true, history: true, recovery: true },
    };
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
