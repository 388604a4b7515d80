import { Inject, Injectable } from '@nestjs/common';
import type { Json, SubscribeFrame } from '@switchboard/protocol';
import { ChannelHub, ChannelPermissions, subscribeAckText } from '../channels/index.js';
import { CLOCK, type Clock } from '../clock/index.js';
import type { Connection } from '../connections/index.js';
import type { StreamPosition } from '../engine/index.js';
import { FrameError } from './frame-error.js';
import type { FrameHandler, FrameReply } from './frame-handler.js';
import { FRAME_SETTINGS, type FramesSettings } from './frames-settings.js';

/**
 * `subscribe` (protocol §6): the ack carries the channel's position and, with `since`, what
 * history holds after it; publications that arrived meanwhile follow the ack.
 */
@Injectable()
export class SubscribeHandler implements FrameHandler<SubscribeFrame> {
  readonly name = 'subscribe';
  readonly sequential = true;

  constructor(
    @Inject(FRAME_SETTINGS.token) private readonly config: FramesSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly hub: ChannelHub,
    private readonly permissions: ChannelPermissions,
  ) {}

  async handle(frame: SubscribeFrame, connection: Connection): Promise<FrameReply> {
    if (!this.permissions.canSubscribe(connection, frame.channel)) {
      throw new FrameError('FORBIDDEN', `not allowed to subscribe to ${frame.channel}`);
    }
    const since = parseSince(frame.payload);
    const held = this.hub.channelsOf(connection);
    const max = this.config.channels.maxSubscriptionsPerConnection;
    if (held.size >= max && !held.has(frame.channel)) {
      throw new FrameError('TOO_MANY_SUBSCRIPTIONS', `a connection may hold ${max} subscriptions; unsubscribe from one first`);
    }
    const joining = await this.hub.subscribe(connection, frame.channel, since);
    const text = subscribeAckText(frame.id, frame.channel, joining.history, this.clock.now());
    return { text, type: 'ack', afterSend: joining.goLive };
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
