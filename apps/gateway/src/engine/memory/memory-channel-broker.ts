import { randomBytes } from 'node:crypto';
import {
  IDEMPOTENCY_WINDOW_MS,
  type ChannelBroker,
  type HistoryPolicy,
  type HistoryResult,
  type Publication,
  type PublishResult,
  type StreamPosition,
} from '../engine.interfaces.js';

type Listener = (publication: Publication) => void;

/** One channel's stream: its epoch, last offset, retained history and listeners. */
interface Stream {
  epoch: string;
  offset: number;
  history: Publication[];
  /** Bytes of `payloadJson` in `history`, held under the policy's `maxBytes`. */
  historyBytes: number;
  listeners: Set<Listener>;
}

/**
 * Channel streams in this process. The epoch is random per stream, so a restart, or a
 * stream dropped after it went idle, gives clients `recovered: false` instead of wrong offsets.
 */
export class MemoryChannelBroker implements ChannelBroker {
  private readonly streams = new Map<string, Stream>();
  private readonly seenKeys = new Map<string, { result: StreamPosition; expiresAt: number }>();

  constructor(
    private readonly policy: HistoryPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(channel: string, payloadJson: string, options: { idempotencyKey?: string } = {}): Promise<PublishResult> {
    const key = options.idempotencyKey === undefined ? undefined : `${channel}\u0000${options.idempotencyKey}`;
    const seen = key === undefined ? undefined : this.seenKeys.get(key);
    if (seen && seen.expiresAt > this.now()) return { ...seen.result, duplicate: true };

    const stream = this.stream(channel);
    stream.offset++;
    const publication: Publication = { channel, epoch: stream.epoch, offset: stream.offset, payloadJson, ts: this.now() };
    if (this.policy.size > 0) this.retain(stream, publication);
    if (key !== undefined) {
      this.seenKeys.set(key, { result: { epoch: stream.epoch, offset: stream.offset }, expiresAt: this.now() + IDEMPOTENCY_WINDOW_MS });
    }
    for (const listener of stream.listeners) listener(publication);
    return { epoch: stream.epoch, offset: stream.offset, duplicate: false };
  }

  async history(channel: string, since?: StreamPosition): Promise<HistoryResult> {
    const stream = this.stream(channel);
    this.expire(stream);
    const position = { epoch: stream.epoch, offset: stream.offset };
    if (!since || since.epoch !== stream.epoch || since.offset > stream.offset || since.offset < 0) {
      return { ...position, recovered: false, publications: [] };
    }
    const publications = stream.history.filter((p) => p.offset > since.offset);
    return { ...position, recovered: publications.length === stream.offset - since.offset, publications };
  }

  async listen(channel: string, listener: Listener): Promise<() => Promise<void>> {
    const stream = this.stream(channel);
    stream.listeners.add(listener);
    return async () => {
      stream.listeners.delete(listener);
    };
  }

  /** Drops expired history, forgotten idempotency keys, and idle streams with nothing left. */
  sweep(): void {
    const now = this.now();
    for (const [key, seen] of this.seenKeys) if (seen.expiresAt <= now) this.seenKeys.delete(key);
    for (const [channel, stream] of this.streams) {
      this.expire(stream);
      if (stream.listeners.size === 0 && stream.history.length === 0) this.streams.delete(channel);
    }
  }

  /** Streams held in memory; lets tests check that nothing leaks. */
  get size(): number {
    return this.streams.size;
  }

  private stream(channel: string): Stream {
    let stream = this.streams.get(channel);
    if (!stream) {
      stream = { epoch: randomBytes(6).toString('base64url'), offset: 0, history: [], historyBytes: 0, listeners: new Set() };
      this.streams.set(channel, stream);
    }
    return stream;
  }

  /** Appends to history, then drops the oldest until both the count and the bytes fit. */
  private retain(stream: Stream, publication: Publication): void {
    stream.history.push(publication);
    stream.historyBytes += Buffer.byteLength(publication.payloadJson);
    while (stream.history.length > this.policy.size || stream.historyBytes > this.policy.maxBytes) this.dropOldest(stream);
  }

  private expire(stream: Stream): void {
    const cutoff = this.now() - this.policy.ttlMs;
    while (stream.history.length > 0 && stream.history[0].ts <= cutoff) this.dropOldest(stream);
  }

  private dropOldest(stream: Stream): void {
    const dropped = stream.history.shift();
    if (dropped) stream.historyBytes -= Buffer.byteLength(dropped.payloadJson);
  }
}
