import type { Json, SubscribeAckPayload } from '@switchboard/protocol';
import { Emitter, type Disposer } from './emitter.js';
import type { SwitchboardError } from './errors.js';
import { nextSubscriptionState, type SubscriptionEvent, type SubscriptionState } from './subscription-state.js';

export type { SubscriptionState } from './subscription-state.js';

/** One publication as the app receives it. */
export interface ChannelMessage<T = Json> {
  channel: string;
  payload: T;
  offset: number;
  epoch: string;
  ts: number;
}

/** What `subscription.on()` listeners receive, by event name. */
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
 *
 * Recovery is bounded: only a live publication that does not follow on from the position
 * (a gap, or another epoch) starts one, a resubscribe (a new epoch that already has
 * publications takes one more, from its start). The ack is authoritative: whatever was
 * held meanwhile that does not follow on from it is dropped, never asked about again. A
 * repeat is dropped without asking.
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
    if (this.dispatch('unsubscribe')) this.leave(this);
  }

  /** @internal The connection is (re)established: ask again, from where we are. */
  resubscribe(): void {
    if (this.dispatch('ask')) this.send(this);
  }

  /** @internal The connection dropped: hold on until `resubscribe`. */
  suspend(): void {
    this.dispatch('suspend');
  }

  /** @internal */
  acked(ack: SubscribeAckPayload): void {
    if (!this.dispatch('ack', false)) return;
    if (ack.recovered) {
      // The ack vouches for its own channel and epoch only.
      for (const publication of ack.publications) {
        if (publication.channel === this.channel && publication.epoch === ack.epoch) this.deliver(publication);
      }
    } else if (this.position && this.position.epoch !== ack.epoch && ack.offset > 0) {
      // A new epoch (history lost, e.g. a restart) already has publications: the app
      // resets, then gets them from the new epoch's start, as far as history still holds them.
      this.position = { epoch: ack.epoch, offset: 0 };
      this.events.emit('reset', this.position);
      this.resubscribe();
      return;
    } else if (this.position && (this.position.epoch !== ack.epoch || this.position.offset !== ack.offset)) {
      this.events.emit('reset', { epoch: ack.epoch, offset: ack.offset });
    }
    this.position = { epoch: ack.epoch, offset: ack.offset };
    this.enter('subscribed');
    const held = this.held;
    this.held = [];
    // The ack is the gateway's word on where the channel stands. A held publication that
    // does not follow on from it (an older epoch, e.g. in flight from before a restart or
    // replayed, or past a gap the ack did not fill) is stale or bogus: recovering for it
    // would get the same ack and hold it again, a resubscribe loop. It is dropped instead.
    for (const publication of held) if (follows(this.position, publication)) this.deliver(publication);
  }

  /** @internal */
  failed(error: SwitchboardError): void {
    if (this.dispatch('refuse')) this.events.emit('error', error);
  }

  /** @internal A live `message` frame of this channel. */
  receive(publication: ChannelMessage): void {
    if (this.current === 'subscribing') {
      this.held.push(publication);
      return;
    }
    if (this.current !== 'subscribed') return;
    const position = this.position;
    if (!position || follows(position, publication)) return this.deliver(publication);
    if (publication.epoch === position.epoch && publication.offset <= position.offset) return;
    // A gap, or another epoch (only the gateway knows whether it is newer): ask once for
    // what was skipped, keeping this one in case the ack leads up to it.
    this.held.push(publication);
    this.resubscribe();
  }

  private deliver(publication: ChannelMessage): void {
    if (this.position && publication.epoch === this.position.epoch && publication.offset <= this.position.offset) return;
    this.position = { epoch: publication.epoch, offset: publication.offset };
    this.events.emit('message', publication as ChannelMessage<T>);
  }

  /**
   * Applies `event` by the table; false when the table says to ignore it here. With
   * `apply` false only the check is made: the caller enters the state once it is ready.
   */
  private dispatch(event: SubscriptionEvent, apply = true): boolean {
    const next = nextSubscriptionState(this.current, event);
    if (next === null) return false;
    if (apply) this.enter(next);
    return true;
  }

  private enter(state: SubscriptionState): void {
    if (state === this.current) return;
    this.current = state;
    this.events.emit('state', state);
  }
}

/** Whether `publication` is the next one after `position`: same epoch, the next offset. */
function follows(position: { epoch: string; offset: number } | undefined, publication: ChannelMessage): boolean {
  return position !== undefined && publication.epoch === position.epoch && publication.offset === position.offset + 1;
}
