import type { Json } from '@switchboard/protocol';
import { Emitter, type Disposer } from './emitter.js';
import type { SwitchboardError } from './errors.js';

/** A subscription's lifecycle: `subscribing` until acked (again after every reconnect or gap). */
export type SubscriptionState = 'subscribing' | 'subscribed' | 'unsubscribed' | 'failed';

/** One publication as the app receives it. */
export interface ChannelMessage<T = Json> {
  channel: string;
  payload: T;
  offset: number;
  epoch: string;
  ts: number;
}

/** The ack of a subscribe (protocol §6). */
export interface SubscribeAckPayload {
  channel: string;
  epoch: string;
  offset: number;
  recovered: boolean;
  publications: Array<ChannelMessage>;
}

export interface SubscriptionEvents<T> {
  message: ChannelMessage<T>;
  /** History did not cover the gap: reload state, then continue from this position. */
  reset: { epoch: string; offset: number };
  state: SubscriptionState;
  error: SwitchboardError;
}

/**
 * A channel subscription that survives reconnects: it resubscribes with `since`, delivers
 * recovered publications in order and nothing twice, and recovers when live delivery skips
 * an offset. Created by `client.subscribe()`.
 */
export class Subscription<T = Json> {
  private current: SubscriptionState = 'subscribing';
  private position?: { epoch: string; offset: number };
  /** Live publications that arrive while a (re)subscribe is being answered. */
  private held: ChannelMessage[] = [];
  private readonly events = new Emitter<SubscriptionEvents<T>>();

  constructor(
    readonly channel: string,
    private readonly send: (subscription: Subscription<T>) => void,
    private readonly leave: (subscription: Subscription<T>) => void,
  ) {}

  get state(): SubscriptionState {
    return this.current;
  }

  /** The last publication delivered, if any: what `since` will be after a reconnect. */
  get since(): { epoch: string; offset: number } | undefined {
    return this.position;
  }

  on<K extends keyof SubscriptionEvents<T>>(event: K, listener: (value: SubscriptionEvents<T>[K]) => void): Disposer {
    return this.events.on(event, listener);
  }

  /** Stops the subscription; its listeners get nothing more. */
  unsubscribe(): void {
    if (this.current === 'unsubscribed') return;
    this.setState('unsubscribed');
    this.leave(this);
  }

  /** @internal The connection is (re)established: ask again, from where we are. */
  resubscribe(): void {
    if (this.current === 'unsubscribed' || this.current === 'failed') return;
    this.setState('subscribing');
    this.send(this);
  }

  /** @internal The connection dropped: hold on until `resubscribe`. */
  suspend(): void {
    if (this.current === 'subscribed') this.setState('subscribing');
  }

  /** @internal */
  acked(ack: SubscribeAckPayload): void {
    if (this.current !== 'subscribing') return;
    if (ack.recovered) {
      for (const publication of ack.publications) this.deliver(publication);
    } else if (this.position && this.position.epoch !== ack.epoch && ack.offset > 0) {
      // A new epoch (history lost, e.g. a restart) already has publications: the app
      // resets, then gets them from the new epoch's start, as far as history still holds them.
      this.position = { epoch: ack.epoch, offset: 0 };
      this.events.emit('reset', this.position);
      this.send(this);
      return;
    } else if (this.position && (this.position.epoch !== ack.epoch || this.position.offset !== ack.offset)) {
      this.events.emit('reset', { epoch: ack.epoch, offset: ack.offset });
    }
    this.position = { epoch: ack.epoch, offset: ack.offset };
    this.setState('subscribed');
    const held = this.held;
    this.held = [];
    for (const publication of held) this.receive(publication);
  }

  /** @internal */
  failed(error: SwitchboardError): void {
    this.setState('failed');
    this.events.emit('error', error);
  }

  /** @internal A live `message` frame of this channel. */
  receive(publication: ChannelMessage): void {
    if (this.current === 'subscribing') {
      this.held.push(publication);
      return;
    }
    if (this.current !== 'subscribed') return;
    const position = this.position;
    if (position && publication.epoch === position.epoch && publication.offset <= position.offset) return;
    if (position && (publication.epoch !== position.epoch || publication.offset > position.offset + 1)) {
      // A gap: ask the gateway for what was skipped, keeping this one for after.
      this.held.push(publication);
      this.resubscribe();
      return;
    }
    this.deliver(publication);
  }

  private deliver(publication: ChannelMessage): void {
    if (this.position && publication.epoch === this.position.epoch && publication.offset <= this.position.offset) return;
    this.position = { epoch: publication.epoch, offset: publication.offset };
    this.events.emit('message', publication as ChannelMessage<T>);
  }

  private setState(state: SubscriptionState): void {
    if (state === this.current) return;
    this.current = state;
    this.events.emit('state', state);
  }
}
