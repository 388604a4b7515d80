import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplication, WsMessageHandler } from '@nestjs/common';
import { AbstractWsAdapter } from '@nestjs/websockets';
import { SUBPROTOCOL, type ClientFrame } from '@switchboard/protocol';
import { type Observable } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { writeRejection } from '../admission/index.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import type { OutgoingFrame } from '../connections/index.js';
import { requestTarget } from '../http/index.js';
import { InboundFrames } from './inbound-frames.service.js';
import { UpgradeHandler } from './upgrade-handler.service.js';

type Route = (frame: ClientFrame) => Observable<OutgoingFrame | undefined>;

/**
 * Nest's stock `WsAdapter` speaks `{event,data}` and drops bad frames silently. This one
 * speaks the Switchboard envelope: admission before the upgrade, the frame `type` picks
 * the `@SubscribeMessage` handler, and every bad frame gets a typed `error`.
 */
export class SwitchboardWsAdapter extends AbstractWsAdapter {
  private readonly config: GatewayConfig;
  private readonly upgrades: UpgradeHandler;
  private readonly inbound: InboundFrames;
  private readonly routes = new WeakMap<WebSocket, Map<string, Route>>();

  constructor(app: INestApplication) {
    super(app);
    this.config = app.get(GATEWAY_CONFIG);
    this.upgrades = app.get(UpgradeHandler);
    this.inbound = app.get(InboundFrames);
  }

  create(_port: number, options: { path: string }): WebSocketServer {
    const server = new WebSocketServer({
      noServer: true,
      maxPayload: this.config.limits.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    // Nothing may throw out of this listener: the HTTP server would take the process down.
    this.httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const target = requestTarget(request);
      if (!target) {
        writeRejection(socket, { status: 400, code: 'BAD_REQUEST', message: 'the request target is not a valid URL' });
        return;
      }
      if (target.pathname !== options.path) {
        writeRejection(socket, { status: 404, code: 'NOT_FOUND', message: `no WebSocket endpoint at ${target.pathname}` });
        return;
      }
      this.upgrades.handle(server, request, target, socket, head).catch((error: unknown) => this.upgrades.failed(socket, error));
    });
    return server;
  }

  override bindClientDisconnect(client: WebSocket, callback: (code: number) => void): void {
    client.once('close', callback);
  }

  /**
   * Called once per gateway class for each client: every gateway on the path adds its
   * `@SubscribeMessage` routes to the one table the client's frames are dispatched by.
   */
  bindMessageHandlers(
    client: WebSocket,
    handlers: WsMessageHandler[],
    transform: (data: unknown) => Observable<OutgoingFrame | undefined>,
  ): void {
    let routes = this.routes.get(client);
    if (!routes) {
      const table = new Map<string, Route>();
      this.routes.set(client, table);
      this.inbound.attach(client, (frame: ClientFrame) => table.get(frame.type)?.(frame));
      routes = table;
    }
    for (const handler of handlers) {
      routes.set(handler.message, (frame) => transform(handler.callback(frame, frame.type)));
    }
  }

  override async close(server: WebSocketServer): Promise<void> {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
}
