import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WebSocketServer } from 'ws';
import { AdmissionService, writeRejection, type AdmissionResult } from '../admission/index.js';
import { MetricsService } from '../metrics/index.js';

/**
 * Runs admission on every upgrade request of the WebSocket path and completes the
 * upgrade only for admitted ones; the rest get an HTTP error and no WebSocket.
 */
@Injectable()
export class UpgradeHandler {
  constructor(
    private readonly admission: AdmissionService,
    private readonly metrics: MetricsService,
    @InjectPinoLogger('handshake') private readonly log: PinoLogger,
  ) {}

  async handle(server: WebSocketServer, request: IncomingMessage, target: URL, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', (error) => this.log.debug({ err: error }, 'handshake socket error'));
    const result = await this.admission.admit(request, target).catch((error: unknown): AdmissionResult => {
      this.log.error({ err: error }, 'admission failed');
      return { admitted: false, rejection: { status: 500, code: 'INTERNAL', message: 'internal error' } };
    });
    if (!result.admitted) {
      this.metrics.connections.inc({ outcome: 'rejected' });
      this.metrics.handshakeRejections.inc({ code: result.rejection.code });
      writeRejection(socket, result.rejection);
      return;
    }
    const { admission } = result;
    const abandon = () => {
      this.log.info({ connectionId: admission.connectionId, userId: admission.identity.userId }, 'handshake abandoned before the upgrade');
      this.admission.settle(admission, true);
    };
    if (socket.destroyed) return abandon();
    let opened = false;
    // A client that hangs up mid-handshake never reaches the callback: free the slot then.
    socket.once('close', () => opened || abandon());
    server.handleUpgrade(request, socket, head, (webSocket) => {
      opened = true;
      this.admission.settle(admission, false);
      this.metrics.connections.inc({ outcome: 'accepted' });
      server.emit('connection', webSocket, request, admission);
    });
  }

  /** The last resort for a bug in {@link handle}: logged, answered 500, never thrown on. */
  failed(socket: Duplex, error: unknown): void {
    this.log.error({ err: error }, 'upgrade failed');
    writeRejection(socket, { status: 500, code: 'INTERNAL', message: 'internal error' });
  }
}
