import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, in a registry of its own. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly activeConnections = new Gauge({
    name: 'switchboard_connections_active',
    help: 'WebSocket connections open on this node',
    registers: [this.registry],
  });

  readonly connections = new Counter({
    name: 'switchboard_connections_total',
    help: 'Handshakes by outcome: accepted or rejected',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly handshakeRejections = new Counter({
    name: 'switchboard_handshake_rejections_total',
    help: 'Handshakes refused before the upgrade, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly disconnections = new Counter({
    name: 'switchboard_disconnections_total',
    help: 'Closed connections by close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly framesIn = new Counter({
    name: 'switchboard_frames_in_total',
    help: 'Frames received, by type (application types count as "application")',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly framesOut = new Counter({
    name: 'switchboard_frames_out_total',
    help: 'Frames sent, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'switchboard_errors_total',
    help: 'Error frames sent, by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly rateLimitedFrames = new Counter({
    name: 'switchboard_rate_limited_frames_total',
    help: 'Frames refused by the per-user rate limit',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
