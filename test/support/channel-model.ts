import type { Json } from '@switchboard/protocol';
import type { SentFrame } from './fake-gateway.js';

/** A publication as `message` frames and subscribe acks carry it. */
export interface Publication {
  channel: string;
  offset: number;
  epoch: string;
  payload: Json;
  ts: number;
}

/** The ack payload of a subscribe (protocol §6). */
export interface SubscribeAck {
  channel: string;
  epoch: string;
  offset: number;
  recovered: boolean;
  publications: Publication[];
}

/**
 * What a fake gateway claims about one channel, kept consistent however hostile the frames
 * around it: one current epoch, and every offset up to `head` recoverable. Any frame that
 * names an offset in the current epoch claims it, so a resubscribe is answered with the
 * publications the client missed, as the real gateway would, and the client never has a
 * reason to ask again. (A server that lies about its history is not what the fuzz is about.)
 */
export class ChannelModel {
  readonly epoch = 'epoch-current';
  /** The epoch the channel had before (a gateway restart): nothing of it may come back. */
  readonly oldEpoch = 'epoch-previous';
  head = 0;
  private readonly payloads = new Map<number, Json>();

  constructor(readonly channel: string) {}

  /** A valid live publication at `offset` (by default the next one), claimed. */
  message(offset = this.head + 1, payload: Json = { n: offset }): Publication & { type: 'message' } {
    this.claim(offset, payload);
    return { type: 'message', ...this.publication(offset) };
  }

  /** A frame said publication `offset` exists now (a number, or a numeric string). */
  claim(offset: unknown, payload?: Json): void {
    const n = typeof offset === 'string' && offset.trim() !== '' ? Number(offset) : offset;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) return;
    if (payload !== undefined && !this.payloads.has(n)) this.payloads.set(n, payload);
    this.head = Math.max(this.head, n);
  }

  /** The answer to a subscribe: recovery from its `since` in this epoch, else the current position. */
  subscribeAck(frame: SentFrame): SubscribeAck {
    const since = frame.payload?.since as { epoch?: unknown; offset?: unknown } | undefined;
    const recovered = since?.epoch === this.epoch && typeof since.offset === 'number' && since.offset >= 0 && since.offset <= this.head;
    const from = recovered ? Math.floor(since.offset as number) + 1 : this.head + 1;
    const publications = Array.from({ length: this.head - from + 1 }, (_, i) => this.publication(from + i));
    return { channel: this.channel, epoch: this.epoch, offset: this.head, recovered, publications };
  }

  private publication(offset: number): Publication {
    return { channel: this.channel, offset, epoch: this.epoch, payload: this.payloads.get(offset) ?? { n: offset }, ts: 1_700_000_000_000 + offset };
  }
}
