import type { Json, SubscribeAckPayload } from '@switchboard/protocol';
import type { Timers } from './clock.js';
import type { Disposer } from './emitter.js';
import { ClientErrorCode } from './errors.js';
import type { Outbound } from './outbound.js';
import { Subscription, type ChannelMessage } from './subscription.js';

/**
 * The client's subscriptions, one per channel: sends their subscribe and unsubscribe frames
 * (control frames, ahead of queued application messages) and routes publications to them.
 */
export class ChannelSubscriptions {
  private readonly byChannel = new Map<string, Subscription<Json>>();
  /** Ids of the subscribes sent and not yet answered: their acks are checked before they settle. */
  private readonly awaiting = new Set<string>();
  /** Frames go out only on a welcomed connection; before that, the next welcome resubscribes all. */
  private live = false;
  /** A subscribe the gateway asked to retry later waits here; a new ask, a leave or a close cancels it. */
  private readonly retries = new Map<Subscription<Json>, Disposer>();

  constructor(
    private readonly outbound: Outbound,
    private readonly id: () => string,
    private readonly timers: Timers,
  ) {}

  /** The channel's subscription, new if it has none or its last one ended. */
  get<T>(channel: string): Subscription<T> {
    let subscription = this.byChannel.get(channel) as Subscription<T> | undefined;
    if (!subscription || subscription.state === 'unsubscribed' || subscription.state === 'failed') {
      subscription = new Subscription<T>(channel, (s) => this.sendSubscribe(s), (s) => this.leave(s));
      this.byChannel.set(channel, subscription as unknown as Subscription<Json>);
      if (this.live) subscription.resubscribe();
    }
    return subscription;
  }

  /**
   * Routes a live publication to its channel's subscription. One for a channel with no
   * subscription is dropped silently: publications still in flight when an unsubscribe
   * crosses them are normal, so reporting them would raise false alarms.
   */
  receive(message: ChannelMessage): void {
    this.byChannel.get(message.channel)?.receive(message);
  }

  /** Whether `id` is a subscribe waiting for its ack. */
  awaitsSubscribeAck(id: string): boolean {
    return this.awaiting.has(id);
  }

  /** A connection was welcomed: subscribe frames of the last one are void, so each asks again with `since`. */
  resume(): void {
    this.live = true;
    this.outbound.forget((frame) => frame.type === 'subscribe' || frame.type === 'unsubscribe');
    this.awaiting.clear();
    for (const subscription of this.byChannel.values()) subscription.resubscribe();
  }

  suspend(): void {
    this.live = false;
    for (const subscription of this.byChannel.values()) subscription.suspend();
  }

  unsubscribeAll(): void {
    for (const subscription of [...this.byChannel.values()]) subscription.unsubscribe();
  }

  /** Subscribes waiting to be retried; tests count them. */
  get retrying(): number {
    return this.retries.size;
  }

  private cancelRetry<T>(subscription: Subscription<T>): void {
    const key = subscription as unknown as Subscription<Json>;
    this.retries.get(key)?.();
    this.retries.delete(key);
  }

  private retryLater<T>(subscription: Subscription<T>, afterMs: number): void {
    const key = subscription as unknown as Subscription<Json>;
    this.retries.set(
      key,
      this.timers.after(afterMs, () => {
        this.retries.delete(key);
        subscription.resubscribe();
      }),
    );
  }

  private sendSubscribe<T>(subscription: Subscription<T>): void {
    this.cancelRetry(subscription);
    const since = subscription.since;
    const frame = { type: 'subscribe', id: this.id(), channel: subscription.channel, ...(since ? { payload: { since } } : {}) };
    this.awaiting.add(frame.id);
    this.outbound.enqueue(
      frame,
      Infinity,
      (answer) => {
        this.awaiting.delete(frame.id);
        // The client's acceptFrame has refused any ack of a subscribe that is not a subscribe ack.
        if (answer.ok) subscription.acked(answer.payload as unknown as SubscribeAckPayload);
        else if (answer.error.code === ClientErrorCode.CLOSED) return;
        else if (answer.error.recoverable) this.retryLater(subscription, answer.error.retryAfterMs ?? 1_000);
        else subscription.failed(answer.error);
      },
      { control: true },
    );
  }

  private leave<T>(subscription: Subscription<T>): void {
    this.cancelRetry(subscription);
    if (this.byChannel.get(subscription.channel) !== (subscription as unknown)) return;
    this.byChannel.delete(subscription.channel);
    if (!this.live) return;
    this.outbound.enqueue({ type: 'unsubscribe', id: this.id(), channel: subscription.channel }, Infinity, () => undefined, { control: true });
  }
}
