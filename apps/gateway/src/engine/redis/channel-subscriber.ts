import type { Redis } from 'ioredis';
import type { HistoryResult, Publication, StreamPosition } from '../seams/index.js';
import { redisCall } from './redis-failure.js';

type Listener = (publication: Publication) => void;

/** One channel this node listens to: its listeners, what it delivered last, and its delivery queue. */
interface Listened {
  listeners: Set<Listener>;
  /** Resolves once Redis confirmed the SUBSCRIBE. */
  subscribed: Promise<void>;
  last?: StreamPosition;
  /** Deliveries run one after another, so a gap fill finishes before the next message. */
  queue: Promise<void>;
}

/** What the subscriber needs from the broker: names and history to fill gaps from. */
export interface SubscriberSource {
  /** The pub/sub channel of `channel`. */
  pubsubChannel(channel: string): string;
  history(channel: string, since: StreamPosition): Promise<HistoryResult>;
}

/**
 * Live delivery for one node over one shared subscriber connection: one SUBSCRIBE per channel
 * however many listeners it has. Redis delivers one connection's messages in PUBLISH order and
 * the publish script is atomic, so messages come in offset order; a gap means messages were
 * lost (a reconnect), and is filled from history before the next publication is delivered.
 */
export class ChannelSubscriber {
  private readonly channels = new Map<string, Listened>();
  /** Channel name by pub/sub channel name, for incoming messages. */
  private readonly byPubsub = new Map<string, string>();
  private readonly onMessage = (pubsub: string, message: string) => this.receive(pubsub, message);
  private readonly onReady = () => this.catchUpAll();

  constructor(
    private readonly subscriber: Redis,
    private readonly source: SubscriberSource,
    /** Called with what went wrong in the background (a gap fill that failed); never throws. */
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    subscriber.on('message', this.onMessage);
    // After a reconnect ioredis resubscribes by itself; what was published meanwhile is caught up.
    subscriber.on('ready', this.onReady);
  }

  /** Adds `listener` to `channel`; resolves once the channel's SUBSCRIBE is confirmed. */
  async listen(channel: string, listener: Listener): Promise<() => Promise<void>> {
    let listened = this.channels.get(channel);
    if (!listened) {
      const pubsub = this.source.pubsubChannel(channel);
      this.byPubsub.set(pubsub, channel);
      const subscribed = redisCall(this.subscriber.subscribe(pubsub)).then(() => undefined);
      listened = { listeners: new Set(), subscribed, queue: Promise.resolve() };
      this.channels.set(channel, listened);
    }
    const entry = listened;
    entry.listeners.add(listener);
    try {
      await entry.subscribed;
    } catch (error) {
      await this.remove(channel, entry, listener);
      throw error;
    }
    return () => this.remove(channel, entry, listener);
  }

  /** Detaches from the connection and forgets every channel (the connection is the caller's to close). */
  close(): void {
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('ready', this.onReady);
    this.channels.clear();
    this.byPubsub.clear();
  }

  /** Channels subscribed; lets tests check that unlisten frees them. */
  get size(): number {
    return this.channels.size;
  }

  private async remove(channel: string, entry: Listened, listener: Listener): Promise<void> {
    entry.listeners.delete(listener);
    if (entry.listeners.size > 0 || this.channels.get(channel) !== entry) return;
    this.channels.delete(channel);
    const pubsub = this.source.pubsubChannel(channel);
    this.byPubsub.delete(pubsub);
    // With Redis away the channel is forgotten anyway: ioredis resubscribes only what it still holds.
    if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(pubsub).catch(this.onError);
  }

  private receive(pubsub: string, message: string): void {
    const channel = this.byPubsub.get(pubsub);
    const entry = channel === undefined ? undefined : this.channels.get(channel);
    if (!entry) return;
    let publication: Publication;
    try {
      publication = JSON.parse(message) as Publication;
    } catch (error) {
      this.onError(error);
      return;
    }
    this.enqueue(entry, () => this.deliverInOrder(entry, publication));
  }

  private enqueue(entry: Listened, task: () => Promise<void>): void {
    entry.queue = entry.queue.then(task).catch((error: unknown) => this.onError(error));
  }

  /** Delivers `publication` after whatever history holds of a gap before it; drops what came already. */
  private async deliverInOrder(entry: Listened, publication: Publication): Promise<void> {
    const last = entry.last;
    if (last && last.epoch === publication.epoch) {
      if (publication.offset <= last.offset) return;
      if (publication.offset > last.offset + 1) await this.fill(entry, publication.channel, last, publication.offset);
    }
    this.deliver(entry, publication);
  }

  /** Delivers what history holds between `last` and `before` (exclusive). */
  private async fill(entry: Listened, channel: string, last: StreamPosition, before: number): Promise<void> {
    const result = await this.source.history(channel, last);
    if (result.epoch !== last.epoch) return;
    for (const publication of result.publications) {
      if (publication.offset < before && publication.offset > (entry.last?.offset ?? 0)) this.deliver(entry, publication);
    }
  }

  /** After a reconnect: delivers what each channel missed while the connection was down. */
  private catchUpAll(): void {
    for (const [channel, entry] of this.channels) {
      this.enqueue(entry, async () => {
        const last = entry.last;
        if (last) await this.fill(entry, channel, last, Number.POSITIVE_INFINITY);
      });
    }
  }

  private deliver(entry: Listened, publication: Publication): void {
    entry.last = { epoch: publication.epoch, offset: publication.offset };
    for (const listener of [...entry.listeners]) {
      try {
        listener(publication);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
