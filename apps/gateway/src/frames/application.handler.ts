import { Inject, Injectable } from '@nestjs/common';
import type { ApplicationFrame } from '@switchboard/protocol';
import { SCHEMA_REGISTRY, type SchemaRegistry } from '../application-messages/index.js';
import { BACKEND_BRIDGE, type BackendBridge } from '../backends/index.js';
import type { Connection } from '../connections/index.js';
import { FrameError } from './frame-error.js';
import type { FrameHandler, FrameReply } from './frame-handler.js';

/**
 * Every frame type that is not built in: checked against its registered JSON Schema,
 * then handed to the backend, whose answer becomes the `ack` or the `error` (protocol §5).
 */
@Injectable()
export class ApplicationHandler implements FrameHandler<ApplicationFrame> {
  readonly name = 'application';
  readonly sequential = false;

  constructor(
    @Inject(SCHEMA_REGISTRY) private readonly schemas: SchemaRegistry,
    @Inject(BACKEND_BRIDGE) private readonly backend: BackendBridge,
  ) {}

  async handle(frame: ApplicationFrame, connection: Connection): Promise<FrameReply> {
    if (!this.schemas.has(frame.type)) throw new FrameError('UNKNOWN_TYPE', `no schema is registered for type "${frame.type}"`);
    const check = this.schemas.validate(frame.type, frame.payload);
    if (!check.ok) throw new FrameError('INVALID_MESSAGE', check.message, { details: check.details });
    const outcome = await this.backend.deliver({
      type: frame.type,
      id: frame.id,
      payload: frame.payload ?? null,
      user: { id: connection.userId, claims: connection.claims },
      connectionId: connection.id,
    });
    if (!outcome.ok) {
      const { code, message, ...extra } = outcome;
      throw new FrameError(code, message, extra);
    }
    return { frame: { type: 'ack', id: frame.id, ...(outcome.reply === undefined ? {} : { payload: outcome.reply }) } };
  }
}
