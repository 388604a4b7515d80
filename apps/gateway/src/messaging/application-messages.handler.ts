import { Inject, Injectable } from '@nestjs/common';
import type { ApplicationFrame } from '@switchboard/protocol';
import { SCHEMA_REGISTRY, type SchemaRegistry } from '../application-messages/index.js';
import { BACKEND_BRIDGE, type BackendBridge } from '../backends/index.js';
import type { Connection, OutgoingFrame } from '../connections/index.js';
import { MetricsService } from '../metrics/index.js';
import { errorFrame } from './frame-error.js';

/**
 * Every frame type that is not built in: checked against its registered JSON Schema,
 * then handed to the backend, whose answer becomes the `ack` or the `error` (protocol §5).
 */
@Injectable()
export class ApplicationMessagesHandler {
  constructor(
    @Inject(SCHEMA_REGISTRY) private readonly schemas: SchemaRegistry,
    @Inject(BACKEND_BRIDGE) private readonly backend: BackendBridge,
    private readonly metrics: MetricsService,
  ) {}

  async handle(connection: Connection, frame: ApplicationFrame): Promise<OutgoingFrame> {
    if (!this.schemas.has(frame.type)) {
      return this.fail('UNKNOWN_TYPE', `no schema is registered for type "${frame.type}"`, frame.id);
    }
    const check = this.schemas.validate(frame.type, frame.payload);
    if (!check.ok) return this.fail('INVALID_MESSAGE', check.message, frame.id, { details: check.details });
    const outcome = await this.backend.deliver({
      type: frame.type,
      id: frame.id,
      payload: frame.payload ?? null,
      user: { id: connection.userId, claims: connection.claims },
      connectionId: connection.id,
    });
    if (outcome.ok) return { type: 'ack', id: frame.id, ...(outcome.reply === undefined ? {} : { payload: outcome.reply }) };
    const { code, message, ...extra } = outcome;
    return this.fail(code, message, frame.id, extra);
  }

  private fail(code: string, message: string, id: string, extra: Parameters<typeof errorFrame>[3] = {}): OutgoingFrame {
    this.metrics.errors.inc({ code });
    return errorFrame(code, message, id, extra);
  }
}
