import type { IncomingMessage } from 'node:http';
import { Inject, UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import { PROTOCOL_VERSION, WS_PATH, type AuthFrame, type PingFrame } from '@switchboard/protocol';
import type { WebSocket } from 'ws';
import type { Admission } from '../admission/index.js';
import { CredentialError, TokenVerifier } from '../auth/index.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import { ConnectionManager, type OutgoingFrame } from '../connections/index.js';
import { FrameError } from './frame-error.js';
import { WsErrorFilter } from './ws-error.filter.js';

/** The connection-level frames of protocol §5: `welcome`, `ping`/`pong` and `auth`. */
@WebSocketGateway({ path: WS_PATH })
@UseFilters(WsErrorFilter)
export class MessagingGateway implements OnGatewayConnection, OnGatewayDisconnect {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly connections: ConnectionManager,
    private readonly verifier: TokenVerifier,
  ) {}

  handleConnection(socket: WebSocket, _request: IncomingMessage, admission: Admission): void {
    const connection = this.connections.open(socket, admission.connectionId, admission.identity);
    connection.send({
      type: 'welcome',
      payload: {
        connectionId: connection.id,
        userId: connection.userId,
        protocol: PROTOCOL_VERSION,
        heartbeatMs: this.config.limits.heartbeatMs,
        expiresAt: connection.expiresAt,
        limits: this.config.limits,
        serverTime: Date.now(),
      },
    });
  }

  handleDisconnect(socket: WebSocket, code?: number | string): void {
    void this.connections.closed(socket, Number(code ?? 1006));
  }

  @SubscribeMessage('ping')
  ping(@MessageBody() frame: PingFrame): OutgoingFrame {
    return { type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) };
  }

  /** Replaces the credential in place; a refused token leaves the old one in force. */
  @SubscribeMessage('auth')
  async auth(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: AuthFrame): Promise<OutgoingFrame> {
    const connection = this.connections.find(socket);
    if (!connection) throw new FrameError('INTERNAL', 'connection is not registered');
    let identity;
    try {
      identity = await this.verifier.verify(frame.payload.token);
    } catch (error) {
      if (error instanceof CredentialError) throw new FrameError('UNAUTHORIZED', `invalid token: ${error.message}`);
      throw error;
    }
    if (identity.userId !== connection.userId) {
      throw new FrameError('UNAUTHORIZED', 'token is for another user');
    }
    connection.refresh(identity);
    return { type: 'ack', id: frame.id, payload: { expiresAt: identity.expiresAt } };
  }
}
