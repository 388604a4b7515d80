import { createServer } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { GatewayConfig } from '../config/index.js';
import { withParsableTarget } from './parsable-target.js';
import { limitPendingRequests } from './pending-requests.js';

/** Longest wait between two of Node's sweeps for requests past their timeouts. */
const MAX_CHECK_INTERVAL_MS = 1_000;

/**
 * Nest's Express adapter on an HTTP server that bounds slow clients: the headers and
 * request timeouts of `config.http`, enforced within a second, and the per-address
 * cap on unfinished requests. It builds a plain HTTP server only: Nest's `httpsOptions`,
 * `return503OnClosing` and `forceCloseConnections`, which the gateway does not set, are
 * not supported.
 */
export class GatewayExpressAdapter extends ExpressAdapter {
  constructor(private readonly settings: GatewayConfig['http']) {
    super();
  }

  override initHttpServer(_options: NestApplicationOptions): void {
    const { requestTimeoutMs, maxPendingRequestsPerIp } = this.settings;
    // The request timeout runs from the same start and covers the head too, so a longer
    // headers timeout could never fire; Node refuses one outright.
    const headersTimeoutMs = Math.min(this.settings.headersTimeoutMs, requestTimeoutMs);
    const server = createServer(
      {
        headersTimeout: headersTimeoutMs,
        requestTimeout: requestTimeoutMs,
        // Node only looks for expired requests this often (30 s by default, settable
        // nowhere but here), which would let a 10 s timeout hold a socket for 40 s.
        connectionsCheckingInterval: Math.min(MAX_CHECK_INTERVAL_MS, Math.ceil(headersTimeoutMs / 4)),
      },
      withParsableTarget(this.getInstance()),
    );
    limitPendingRequests(server, maxPendingRequestsPerIp);
    this.httpServer = server;
  }
}
