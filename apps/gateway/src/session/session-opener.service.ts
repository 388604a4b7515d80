import { Inject, Injectable } from '@nestjs/common';
import { PROTOCOL_VERSION } from '@switchboard/protocol';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WebSocket } from 'ws';
import type { Admission } from '../admission/index.js';
import { ChannelHub } from '../channels/index.js';
import { CLOCK, type Clock } from '../clock/index.js';
import { ConnectionManager } from '../connections/index.js';
import { FramePipeline } from './frame-pipeline.js';
import { Session } from './session.js';
import { SESSION_SETTINGS, type SessionSettings } from './session-settings.js';

/**
 * Turns an upgraded socket into a served connection, in this order: registered with the
 * connection manager, `welcome` sent (protocol §5), then the frame pipeline attached, so
 * every frame finds its connection in hand. On close it forgets the connection and its
 * subscriptions.
 */
@Injectable()
export class SessionOpener {
  constructor(
    @Inject(SESSION_SETTINGS.token) private readonly config: SessionSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly connections: ConnectionManager,
    private readonly hub: ChannelHub,
    private readonly pipeline: FramePipeline,
    @InjectPinoLogger('frames') private readonly log: PinoLogger,
  ) {}

  /** Serves `socket`, whose handshake `admission` let through. */
  open(socket: WebSocket, admission: Admission): void {
    const connection = this.connections.open(socket, admission.connectionId, admission.identity);
    socket.once('close', (code: number) => {
      this.hub.unsubscribeAll(connection);
      void this.connections.closed(connection, code);
    });
    socket.on('error', (error) => {
      this.log.warn({ err: error, connectionId: connection.id, userId: connection.userId }, 'socket error');
    });
    const { limits } = this.config;
    connection.send({
      type: 'welcome',
      payload: {
        connectionId: connection.id,
        userId: connection.userId,
        protocol: PROTOCOL_VERSION,
        heartbeatMs: limits.heartbeatMs,
        expiresAt: connection.expiresAt,
        limits,
        serverTime: this.clock.now(),
      },
    });
    this.pipeline.attach(new Session(connection, this.clock, limits.rateLimit));
  }
}
