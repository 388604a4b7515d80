import { Injectable } from '@nestjs/common';
import type { PublishFrame } from '@switchboard/protocol';
import { ChannelHub, ChannelPermissions, ChannelPublisher, clientPublishKey } from '../channels/index.js';
import type { Connection } from '../connections/index.js';
import { FrameError } from './frame-error.js';
import type { FrameHandler, FrameReply } from './frame-handler.js';

/**
 * `publish`: the frame id is the idempotency key, so a retried publish is acked with the
 * first offset. The publisher gets the ack before its own publication: the hub holds the
 * channel's publications to it until the ack is out, so an optimistic UI can swap its
 * pending item for the publication without ever showing both.
 */
@Injectable()
export class PublishHandler implements FrameHandler<PublishFrame> {
  readonly name = 'publish';
  readonly sequential = true;

  constructor(
    private readonly hub: ChannelHub,
    private readonly permissions: ChannelPermissions,
    private readonly publisher: ChannelPublisher,
  ) {}

  async handle(frame: PublishFrame, connection: Connection): Promise<FrameReply> {
    if (!this.permissions.canPublish(connection, frame.channel)) {
      throw new FrameError('FORBIDDEN', `not allowed to publish to ${frame.channel}`);
    }
    const release = this.hub.hold(connection, frame.channel);
    try {
      const result = await this.publisher.publish(frame.channel, frame.payload, {
        idempotencyKey: clientPublishKey(connection.userId, frame.id),
        source: 'client',
      });
      return { frame: { type: 'ack', id: frame.id, payload: { offset: result.offset, epoch: result.epoch } }, afterSend: release };
    } catch (error) {
      release();
      throw error;
    }
  }
}
