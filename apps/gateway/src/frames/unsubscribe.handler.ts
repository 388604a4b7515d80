import { Injectable } from '@nestjs/common';
import type { UnsubscribeFrame } from '@switchboard/protocol';
import { ChannelHub } from '../channels/index.js';
import type { Connection } from '../connections/index.js';
import type { FrameHandler, FrameReply } from './frame-handler.js';

/** `unsubscribe`: acked with `{channel}`, whether or not the connection was subscribed. */
@Injectable()
export class UnsubscribeHandler implements FrameHandler<UnsubscribeFrame> {
  readonly name = 'unsubscribe';
  readonly sequential = true;

  constructor(private readonly hub: ChannelHub) {}

  handle(frame: UnsubscribeFrame, connection: Connection): FrameReply {
    this.hub.unsubscribe(connection, frame.channel);
    return { frame: { type: 'ack', id: frame.id, payload: { channel: frame.channel } } };
  }
}
