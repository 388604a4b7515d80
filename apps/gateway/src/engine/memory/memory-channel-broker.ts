import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock/index.js';
import type {
  BrokerPolicy,
  ChannelBroker,
  HistoryPolicy,
  HistoryResult,
  Publication,
  PublishResult,
  StreamPosition,
} from '../seams/index.js';
import { RetentionOrder } from './retention-order.js';

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
 * Beside each channel's limits, all channels' history together stays within
 * `maxTotalBytes`: the node's memory, which publishers to many channels would otherwise fill.
 */
export class MemoryChannelBroker implements ChannelBroker {
  private readonly streams = new Map<string, Stream>();
  private readonly seenKeys = new Map<string, { result: StreamPosition; expiresAt: number }>();
  private readonly order = new RetentionOrder<Stream>();
  private readonly limits: HistoryPolicy;
  private readonly idempotencyWindowMs: number;
  private totalBytes = 0;

  constructor(
    policy: BrokerPolicy,
    private readonly clock: Clock,
    private readonly maxTotalBytes = Number.POSITIVE_INFINITY,
  ) {
    this.limits = policy.history;
    this.idempotencyWindowMs = policy.idempotencyWindowMs;
  }

  async publish(channel: string, payloadJson: string, options: { idempotencyKey?: string } = {}): Promise<PublishResult> {
    const key = options.idempotencyKey === undefined ? undefined : `${channel}\u0000${options.idempotencyKey}`;
    const seen = key === undefined ? undefined : this.seenKeys.get(key);
    if (seen && seen.expiresAt > this.clock.now()) return { ...seen.result, duplicate: true };

    const stream = this.stream(channel);
    stream.offset++;
    const publication: Publication = { channel, epoch: stream.epoch, offset: stream.offset, payloadJson, ts: this.clock.now() };
    if (this.limits.size > 0) this.retain(stream, publication);
    if (key !== undefined) {
      this.seenKeys.set(key, { result: { epoch: stream.epoch, offset: stream.offset }, expiresAt: this.clock.now() + this.idempotencyWindowMs });
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
    const now = this.clock.now();
    for (const [key, seen] of this.seenKeys) if (seen.expiresAt <= now) this.seenKeys.delete(key);
    for (const [channel, stream] of this.streams) {
      this.expire(stream);
      if (stream.listeners.size === 0 && stream.history.length === 0) this.streams.delete(channel);
    }
    this.skipDropped();
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

  /** Bytes of history held across all channels; lets tests check the node-wide budget. */
  get historyBytes(): number {
    return this.totalBytes;
  }

  /** Entries of the retention order, stale ones included; lets tests check it does not leak. */
  get retainedEntries(): number {
    return this.order.size;
  }

  /**
   * Appends to history, then drops the channel's oldest until its count and bytes fit, and
   * the node's oldest, of whichever channel, until all history fits `maxTotalBytes`.
   */
  private retain(stream: Stream, publication: Publication): void {
    const bytes = Buffer.byteLength(publication.payloadJson);
    stream.history.push(publication);
    stream.historyBytes += bytes;
    this.totalBytes += bytes;
    this.order.push(stream, publication.offset);
    while (stream.history.length > this.limits.size || stream.historyBytes > this.limits.maxBytes) this.dropOldest(stream);
    while (this.totalBytes > this.maxTotalBytes) {
      const oldest = this.order.shift();
      if (oldest === undefined) break;
      if (oldest.stream.history[0]?.offset === oldest.offset) this.dropOldest(oldest.stream);
    }
    this.skipDropped();
  }

  /** Forgets front entries of the retention order whose publication is gone already. */
  private skipDropped(): void {
    for (let front = this.order.peek(); front && front.stream.history[0]?.offset !== front.offset; front = this.order.peek()) {
      this.order.shift();
    }
  }

  private expire(stream: Stream): void {
    const cutoff = this.clock.now() - this.limits.ttlMs;
    while (stream.history.length > 0 && stream.history[0].ts <= cutoff) this.dropOldest(stream);
  }

  private dropOldest(stream: Stream): void {
    const dropped = stream.history.shift();
    if (!dropped) return;
    const bytes = Buffer.byteLength(dropped.payloadJson);
    stream.historyBytes -= bytes;
    this.totalBytes -= bytes;
  }
}
