import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ClientFrame } from '@switchboard/protocol';
import type { WebSocket } from 'ws';
import { ConnectionManager } from '../connections/index.js';
import { MetricsService } from '../metrics/index.js';
import { errorFrame, FrameError } from './frame-error.js';

/**
 * Turns what a frame handler throws into an `error` frame that echoes the frame's id:
 * a {@link FrameError} keeps its code, anything else is `INTERNAL`.
 */
@Catch()
export class WsErrorFilter implements ExceptionFilter {
  constructor(
    private readonly connections: ConnectionManager,
    private readonly metrics: MetricsService,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const connection = this.connections.find(ws.getClient<WebSocket>());
    const id = ws.getData<ClientFrame>()?.id;
    const frame =
      exception instanceof FrameError
        ? errorFrame(exception.code, exception.message, id, exception.extra)
        : errorFrame('INTERNAL', 'internal error', id);
    this.metrics.errors.inc({ code: frame.payload!.code });
    connection?.send(frame);
  }
}
