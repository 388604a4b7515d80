import { UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayDisconnect } from '@nestjs/websockets';
import { WS_PATH, type Json, type PublishFrame, type SubscribeFrame, type UnsubscribeFrame } from '@switchboard/protocol';
import type { WebSocket } from 'ws';
import { ConnectionManager, type Connection, type OutgoingFrame } from '../connections/index.js';
import type { StreamPosition } from '../engine/index.js';
import { FrameError, WsErrorFilter } from '../messaging/index.js';
import { ChannelPublisher } from './channel-publisher.service.js';
import { ChannelHub } from './channel-hub.service.js';
import { ChannelPermissions } from './channel-permissions.service.js';
import { clientPublishKey } from './idempotency-keys.js';

/** `subscribe`, `unsubscribe` and `publish` (protocol §5–6). */
@WebSocketGateway({ path: WS_PATH })
@UseFilters(WsErrorFilter)
export class ChannelsGateway implements OnGatewayDisconnect {
  constructor(
    private readonly connections: ConnectionManager,
    private readonly hub: ChannelHub,
    private readonly permissions: ChannelPermissions,
    private readonly publisher: ChannelPublisher,
  ) {}

  handleDisconnect(socket: WebSocket): void {
    const connection = this.connections.find(socket);
    if (connection) this.hub.unsubscribeAll(connection);
  }

  /** Answered by the hub itself: the ack must go out before publications buffered meanwhile. */
  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: SubscribeFrame): Promise<undefined> {
    const connection = this.connection(socket);
    if (!this.permissions.canSubscribe(connection, frame.channel)) {
      throw new FrameError('FORBIDDEN', `not allowed to subscribe to ${frame.channel}`);
    }
    await this.hub.subscribe(connection, frame.channel, frame.id, parseSince(frame.payload));
    return undefined;
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: UnsubscribeFrame): OutgoingFrame {
    this.hub.unsubscribe(this.connection(socket), frame.channel);
    return { type: 'ack', id: frame.id, payload: { channel: frame.channel } };
  }

  /**
   * The frame id is the idempotency key: a retried publish is acked with the first offset.
   * The publisher gets the ack before its own publication (see `holdingMessages`).
   */
  @SubscribeMessage('publish')
  async publish(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: PublishFrame): Promise<undefined> {
    const connection = this.connection(socket);
    if (!this.permissions.canPublish(connection, frame.channel)) {
      throw new FrameError('FORBIDDEN', `not allowed to publish to ${frame.channel}`);
    }
    await connection.holdingMessages(async () => {
      const result = await this.publisher.publish(frame.channel, frame.payload, {
        idempotencyKey: clientPublishKey(connection.userId, frame.id),
        source: 'client',
      });
      connection.send({ type: 'ack', id: frame.id, payload: { offset: result.offset, epoch: result.epoch } });
    });
    return undefined;
  }

  private connection(socket: WebSocket): Connection {
    const connection = this.connections.find(socket);
    if (!connection) throw new FrameError('INTERNAL', 'connection is not registered');
    return connection;
  }
}

/** `payload.since` of a subscribe: absent, or a position with a string epoch and an offset ≥ 0. */
function parseSince(payload: Json | undefined): StreamPosition | undefined {
  if (payload === undefined || payload === null) return undefined;
  const since = typeof payload === 'object' && !Array.isArray(payload) ? payload.since : undefined;
  if (since === undefined) return undefined;
  if (
    typeof since !== 'object' || since === null || Array.isArray(since) ||
    typeof since.epoch !== 'string' || !Number.isSafeInteger(since.offset) || (since.offset as number) < 0
  ) {
    throw new FrameError('INVALID_MESSAGE', 'payload.since must be {epoch: string, offset: integer ≥ 0}');
  }
  return { epoch: since.epoch, offset: since.offset as number };
}
