import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
    help: 'Closed connections by close code (codes the gateway does not know count as "other")',
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

  readonly channels = new Gauge({
    name: 'switchboard_channels',
    help: 'Channels with at least one subscriber on this node',
    registers: [this.registry],
  });

  readonly subscriptions = new Gauge({
    name: 'switchboard_subscriptions',
    help: 'Channel subscriptions of connections on this node',
    registers: [this.registry],
  });

  readonly publications = new Counter({
    name: 'switchboard_publications_total',
    help: 'Publications accepted, by source: client or api',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly recoveries = new Counter({
    name: 'switchboard_recoveries_total',
    help: 'Subscribes with since, by outcome: recovered or not',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly backendRequests = new Counter({
    name: 'switchboard_backend_requests_total',
    help: 'Application messages sent to the backend, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly backendLatency = new Histogram({
    name: 'switchboard_backend_request_duration_seconds',
    help: 'Time from sending an application message to the backend until its answer',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
