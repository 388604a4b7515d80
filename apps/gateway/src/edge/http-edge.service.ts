import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WS_PATH } from '@switchboard/protocol';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { writeRejection } from '../admission/index.js';
import { requestTarget } from './request-target.js';
import { RouteTable } from './route-table.js';
import { SwitchboardGateway } from './switchboard.gateway.js';

/** Serves one upgrade request whose target a route took; `target` is the parsed URL. */
export type UpgradeRoute = (request: IncomingMessage, socket: Duplex, head: Buffer, target: URL) => Promise<void>;

/**
 * The HTTP server's edge: the one owner of its `upgrade` event. Upgrade requests go by
 * path through {@link HttpEdge.upgrades} (`/ws` is the Switchboard endpoint); a target
 * that is no URL is answered 400 and one no route takes 404, both with the JSON body.
 */
@Injectable()
export class HttpEdge implements OnApplicationBootstrap {
  /** Upgrade routes by path; a reverse proxy adds its rows here. */
  readonly upgrades = new RouteTable<UpgradeRoute>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    switchboard: SwitchboardGateway,
    @InjectPinoLogger('edge') private readonly log: PinoLogger,
  ) {
    this.upgrades.add({ path: WS_PATH }, (request, socket, head, target) => switchboard.handle(request, socket, head, target));
  }

  onApplicationBootstrap(): void {
    this.adapterHost.httpAdapter
      .getHttpServer()
      .on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
  }

  /** Nothing may throw out of this listener: the HTTP server would take the process down. */
  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      const target = requestTarget(request);
      if (!target) {
        writeRejection(socket, { status: 400, code: 'BAD_REQUEST', message: 'the request target is not a valid URL' });
        return;
      }
      const route = this.upgrades.find(target);
      if (!route) {
        writeRejection(socket, { status: 404, code: 'NOT_FOUND', message: `no WebSocket endpoint at ${target.pathname}` });
        return;
      }
      route(request, socket, head, target).catch((error: unknown) => this.failed(socket, error));
    } catch (error) {
      this.failed(socket, error);
    }
  }

  /** The last resort for a bug in a route: logged, answered 500, never thrown on. */
  private failed(socket: Duplex, error: unknown): void {
    this.log.error({ err: error }, 'upgrade failed');
    writeRejection(socket, { status: 500, code: 'INTERNAL', message: 'internal error' });
  }
}
