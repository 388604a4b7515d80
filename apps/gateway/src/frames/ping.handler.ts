import { Injectable } from '@nestjs/common';
import type { PingFrame } from '@switchboard/protocol';
import type { FrameHandler, FrameReply } from './frame-handler.js';

/** `ping` → `pong`, echoing the id; free of the rate limit, so liveness never costs a token. */
@Injectable()
export class PingHandler implements FrameHandler<PingFrame> {
  readonly name = 'ping';
  readonly sequential = true;
  readonly free = true;

  handle(frame: PingFrame): FrameReply {
    return { frame: { type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) } };
  }
}
