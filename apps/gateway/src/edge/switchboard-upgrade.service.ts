import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { SUBPROTOCOL } from '@switchboard/protocol';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { WebSocketServer } from 'ws';
import { AdmissionService, writeRejection, type AdmissionResult } from '../admission/index.js';
import { DrainService } from '../drain/index.js';
import { MetricsService } from '../metrics/index.js';
import { SessionOpener } from '../session/index.js';
import { EDGE_SETTINGS, type EdgeSettings } from './edge-settings.js';

/**
 * The Switchboard endpoint's upgrade: admission first, then the WebSocket handshake for
 * admitted requests only, whose socket becomes a session; the rest get an HTTP error and
 * no WebSocket. It owns the `noServer` WebSocketServer that performs the handshakes.
 */
@Injectable()
export class SwitchboardUpgrade implements BeforeApplicationShutdown {
  private readonly server: WebSocketServer;

  constructor(
    @Inject(EDGE_SETTINGS.token) config: EdgeSettings,
    private readonly admission: AdmissionService,
    private readonly sessions: SessionOpener,
    private readonly drainer: DrainService,
    private readonly metrics: MetricsService,
    @InjectPinoLogger('handshake') private readonly log: PinoLogger,
  ) {
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: config.limits.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
  }

  /** Serves one upgrade request of the WebSocket path; `target` is its parsed URL. */
  async handle(request: IncomingMessage, socket: Duplex, head: Buffer, target: URL): Promise<void> {
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
    this.server.handleUpgrade(request, socket, head, (webSocket) => {
      opened = true;
      this.admission.settle(admission, false);
      this.metrics.connections.inc({ outcome: 'accepted' });
      // The handshake is answered already: a failure now can only end the WebSocket.
      try {
        this.sessions.open(webSocket, admission);
      } catch (error) {
        this.log.error({ err: error, connectionId: admission.connectionId }, 'session failed to open');
        webSocket.terminate();
      }
    });
  }

  /**
   * Ends every WebSocket the drain left open, so the HTTP server can close behind them.
   * Nest runs these hooks in no order we choose: waiting for the drain (which joins the
   * one already running) keeps clients from being cut before they were told to go.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drainer.drain();
    for (const client of this.server.clients) client.terminate();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
