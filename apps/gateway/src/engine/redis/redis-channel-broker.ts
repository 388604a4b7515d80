import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type {
  BrokerPolicy,
  ChannelBroker,
  HistoryResult,
  Publication,
  PublishResult,
  StreamPosition,
} from '../seams/index.js';
import { brokerScripts, parseEntry, type BrokerScripts } from './broker-scripts.js';
import { ChannelSubscriber } from './channel-subscriber.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Key layout (`<p>` is the prefix; `{<channel>}` is a hash tag, so one channel's keys live in
 * one slot of a Redis Cluster; channel names cannot hold braces, protocol §6):
 *
 * - `<p>:ch:{<channel>}:meta` — hash `epoch`, `offset` (last given), `bytes` (payload bytes in
 *   history). Epoch and offset live in one hash so that losing one loses both: a Redis that
 *   restarted empty, or a stream forgotten after `streamIdleMs`, gets a new random epoch and
 *   starts again at 1, never reusing an offset of an old epoch. PEXPIRE `streamIdleMs`.
 * - `<p>:ch:{<channel>}:hist` — list of `<ts>:<offset>:<payloadJson>`, oldest first, bounded by
 *   the policy's size, bytes and per-entry TTL (ts is Redis time). PEXPIRE ttlMs.
 * - `<p>:ch:{<channel>}:idem:<key>` — `<epoch>:<offset>` of the first publish with that key,
 *   PX idempotencyWindowMs.
 * - pub/sub `<p>:pub:<channel>` — each publication as JSON `{channel, epoch, offset, ts, payloadJson}`.
 */

/** What a {@link RedisChannelBroker} is built with. */
export interface RedisChannelBrokerOptions {
  /** Command connection (ready); the broker's scripts are defined on it. */
  redis: Redis;
  /** A connection of its own for SUBSCRIBE (ready), shared by every channel of this broker. */
  subscriber: Redis;
  keys: RedisKeys;
  policy: BrokerPolicy;
  /**
   * How long a stream with no publish or history read keeps its epoch and offset.
   * @default 86_400_000 (a day)
   */
  streamIdleMs?: number;
  /** Told of background failures (a gap fill that could not read history); must not throw. */
  onError?: (error: unknown) => void;
}

/** Epochs are random, 8 bytes: a new stream never meets an epoch a client remembers. */
const newEpoch = () => randomBytes(8).toString('base64url');

/**
 * The channel broker of a cluster: streams live in Redis, so every node publishes into one
 * order per channel and recovers from one history; each node fans out to its own listeners.
 */
export class RedisChannelBroker implements ChannelBroker {
  private readonly scripts: BrokerScripts;
  private readonly subscriber: ChannelSubscriber;
  private readonly policy: BrokerPolicy;
  private readonly keys: RedisKeys;
  private readonly streamIdleMs: number;

  constructor(options: RedisChannelBrokerOptions) {
    this.scripts = brokerScripts(options.redis);
    this.policy = options.policy;
    this.keys = options.keys;
    this.streamIdleMs = options.streamIdleMs ?? 86_400_000;
    this.subscriber = new ChannelSubscriber(
      options.subscriber,
      { pubsubChannel: (channel) => this.pubsubChannel(channel), history: (channel, since) => this.history(channel, since) },
      options.onError,
    );
  }

  async publish(channel: string, payloadJson: string, options: { idempotencyKey?: string } = {}): Promise<PublishResult> {
    const { history } = this.policy;
    const key = options.idempotencyKey;
    const [meta, hist] = this.streamKeys(channel);
    const idem = key === undefined ? meta : this.keys.key('ch', `{${channel}}`, 'idem', key);
    const [epoch, offset, duplicate] = await this.scripts.publish(
      [meta, hist, idem],
      [
        payloadJson,
        newEpoch(),
        history.size,
        history.ttlMs,
        history.maxBytes,
        this.policy.idempotencyWindowMs,
        key === undefined ? '0' : '1',
        this.streamIdleMs,
        this.pubsubChannel(channel),
        channel,
      ],
    );
    return { epoch, offset: Number(offset), duplicate: Number(duplicate) === 1 };
  }

  async history(channel: string, since?: StreamPosition): Promise<HistoryResult> {
    const { size, ttlMs, maxBytes } = this.policy.history;
    const [epoch, rawOffset, entries] = await this.scripts.history(this.streamKeys(channel), [newEpoch(), size, ttlMs, maxBytes, this.streamIdleMs]);
    const offset = Number(rawOffset);
    if (!since || since.epoch !== epoch || since.offset > offset || since.offset < 0) {
      return { epoch, offset, recovered: false, publications: [] };
    }
    const publications: Publication[] = [];
    for (const entry of entries) {
      const publication = parseEntry(channel, epoch, entry);
      if (publication.offset > since.offset) publications.push(publication);
    }
    return { epoch, offset, recovered: publications.length === offset - since.offset, publications };
  }

  listen(channel: string, listener: (publication: Publication) => void): Promise<() => Promise<void>> {
    return this.subscriber.listen(channel, listener);
  }

  /** Detaches from the subscriber connection; the connections are the caller's to close. */
  close(): void {
    this.subscriber.close();
  }

  /** Channels this node is subscribed to; lets tests check that unlisten frees them. */
  get listenedChannels(): number {
    return this.subscriber.size;
  }

  private streamKeys(channel: string): [string, string] {
    return [this.keys.key('ch', `{${channel}}`, 'meta'), this.keys.key('ch', `{${channel}}`, 'hist')];
  }

  private pubsubChannel(channel: string): string {
    return this.keys.key('pub', channel);
  }
}
