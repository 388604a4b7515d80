import { Inject, Injectable } from '@nestjs/common';
import type { Json } from '@switchboard/protocol';
import { ENGINE, type Engine, type PublishResult } from '../engine/index.js';
import { MetricsService } from '../metrics/index.js';

/**
 * Publishes to channels for clients and for the server API alike, and counts it. The
 * payload is serialized here, once, before the broker assigns an offset or stores anything.
 */
@Injectable()
export class ChannelPublisher {
  constructor(
    @Inject(ENGINE) private readonly engine: Engine,
    private readonly metrics: MetricsService,
  ) {}

  async publish(
    channel: string,
    payload: Json,
    options: { idempotencyKey?: string; source: 'client' | 'api' },
  ): Promise<PublishResult> {
    const payloadJson = JSON.stringify(payload);
    const result = await this.engine.broker.publish(channel, payloadJson, { idempotencyKey: options.idempotencyKey });
    if (!result.duplicate) this.metrics.publications.inc({ source: options.source });
    return result;
  }
}
