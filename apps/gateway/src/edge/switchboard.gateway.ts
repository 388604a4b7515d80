import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection } from '@nestjs/websockets';
import { WS_PATH } from '@switchboard/protocol';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WebSocket, WebSocketServer as WsServer } from 'ws';
import { AdmissionService, writeRejection, type Admission, type AdmissionResult } from '../admission/index.js';
import { MetricsService } from '../metrics/index.js';
import { SessionOpener } from '../session/index.js';

/**
 * The Switchboard endpoint: admission first, then the WebSocket handshake for admitted
 * requests only, whose socket becomes a session; the rest get an HTTP error and no
 * WebSocket. Its `noServer` WebSocketServer comes from {@link SwitchboardWsAdapter}, which
 * Nest also closes at shutdown; the edge routes `/ws` upgrades here.
 */
@WebSocketGateway({ path: WS_PATH })
export class SwitchboardGateway implements OnGatewayConnection {
  @WebSocketServer() private readonly server!: WsServer;

  constructor(
    private readonly admission: AdmissionService,
    private readonly sessions: SessionOpener,
    private readonly metrics: MetricsService,
    @InjectPinoLogger('handshake') private readonly log: PinoLogger,
  ) {}

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
      this.server.emit('connection', webSocket, request, admission);
    });
  }

  /** Nest's connection hook, which the `connection` event of a finished handshake reaches. */
  handleConnection(webSocket: WebSocket, _request: IncomingMessage, admission: Admission): void {
    // The handshake is answered already: a failure now can only end the WebSocket.
    try {
      this.sessions.open(webSocket, admission);
    } catch (error) {
      this.log.error({ err: error, connectionId: admission.connectionId }, 'session failed to open');
      webSocket.terminate();
    }
  }
}
