import type { Json } from '@switchboard/protocol';
import type { SwitchboardClient } from '../client.js';
import { Timers } from '../clock.js';
import type { Disposer } from '../emitter.js';
import type { SwitchboardError } from '../errors.js';
import type { ChannelMessage, Subscription } from '../subscription.js';
import type { SubscriptionState } from '../subscription-state.js';
import { Listeners } from './listeners.js';

/** A reset of the channel's history (see the SDK's `reset` event), stamped with when it came. */
export interface ChannelReset {
  epoch: string;
  offset: number;
  at: number;
}

/** A publication made through `useOptimisticChannel`, shown until its own message arrives. */
export interface LocalPublication<T = Json> {
  /** Stable across the item's life, for React keys; the confirmed message keeps it. */
  key: string;
  payload: T;
  status: 'pending' | 'confirmed' | 'failed';
  /** The position the ack gave it, once confirmed. */
  epoch?: string;
  offset?: number;
  error?: SwitchboardError;
}

/** What a view reads about one channel; a new object only when something changed. */
export interface ChannelSnapshot<T = Json> {
  /** Every message delivered, in channel order, the newest `capacity` of them. */
  messages: readonly ChannelMessage<T>[];
  status: SubscriptionState | 'idle';
  error?: SwitchboardError;
  reset?: ChannelReset;
  /** Local publications not yet replaced by their message: pending, failed, or confirmed but not delivered. */
  local: readonly LocalPublication<T>[];
  /** The local key each delivered message that began as a local publication keeps. */
  keys: ReadonlyMap<string, string>;
}

type AnyClient = SwitchboardClient<any, any>;
type EntryState<T> = Omit<ChannelSnapshot<T>, 'messages' | 'local' | 'keys'>;

/** The key of a channel position, `<epoch>:<offset>`: what identifies a publication. */
export const positionKey = (position: { epoch: string; offset: number }): string => `${position.epoch}:${position.offset}`;

/**
 * One channel of one client, shared by every view that uses it: one SDK subscription while
 * anyone retains it, one message buffer, the local (optimistic) publications, and the
 * listeners of an external store (`listen` → unsubscribe, `getSnapshot`). Messages are
 * appended one by one and every handler sees every one, so a burst is never collapsed.
 * Framework-agnostic: React's hooks read it through `useSyncExternalStore`.
 *
 * @example
 * const release = observer.retain(100);
 * const stop = observer.listen(() => render(observer.getSnapshot().messages));
 */
export class ChannelObserver<T = Json> {
  private readonly retainers = new Map<symbol, number>();
  private readonly listeners = new Listeners(() => undefined, () => this.scheduleRelease());
  private readonly handlers = new Set<(message: ChannelMessage<T>) => void>();
  private readonly resetHandlers = new Set<(reset: ChannelReset) => void>();
  private subscription?: Subscription<T>;
  private disposers: Disposer[] = [];
  private readonly timers: Timers;
  private cancelRelease?: Disposer;
  private buffer: ChannelMessage<T>[] = [];
  private locals: LocalPublication<T>[] = [];
  private readonly keys = new Map<string, string>();
  private state: EntryState<T> = { status: 'idle' };
  private snapshot?: ChannelSnapshot<T>;
  private nextLocal = 0;

  constructor(
    private readonly client: AnyClient,
    readonly channel: string,
    /** Called when nothing uses the observer any more, so the registry can forget it. */
    private readonly idle: (observer: ChannelObserver<T>) => void,
  ) {
    this.timers = new Timers(client.clock);
  }

  /** Keeps the subscription open and at least `limit` messages buffered until the returned release. */
  retain(limit: number): Disposer {
    const token = Symbol(this.channel);
    this.retainers.set(token, limit);
    this.cancelRelease?.();
    if (!this.subscription) this.open();
    return () => {
      this.retainers.delete(token);
      this.scheduleRelease();
    };
  }

  /** Calls `listener` after every change of the snapshot; returns the way to stop. */
  readonly listen = (listener: () => void): Disposer => this.listeners.add(listener);

  /** Calls `handler` for every message, in order; returns the way to stop. */
  onMessage(handler: (message: ChannelMessage<T>) => void): Disposer {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Calls `handler` on every reset of the channel's history; returns the way to stop. */
  onReset(handler: (reset: ChannelReset) => void): Disposer {
    this.resetHandlers.add(handler);
    return () => this.resetHandlers.delete(handler);
  }

  /** Pending release timers; tests count them. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** The current snapshot: the same object until something changed. */
  readonly getSnapshot = (): ChannelSnapshot<T> => {
    this.snapshot ??= { ...this.state, messages: [...this.buffer], local: [...this.locals], keys: new Map(this.keys) };
    return this.snapshot;
  };

  /** Publishes with a local item shown at once; returns its key. */
  publishLocal(payload: T, timeoutMs?: number): string {
    const key = `local-${++this.nextLocal}`;
    this.locals.push({ key, payload, status: 'pending' });
    this.changed();
    this.send(key, payload, timeoutMs);
    return key;
  }

  /** Publishes a failed local item again, under the same key. */
  retryLocal(key: string, timeoutMs?: number): void {
    const local = this.locals.find((item) => item.key === key);
    if (!local || local.status !== 'failed') return;
    this.replaceLocal(key, { key, payload: local.payload, status: 'pending' });
    this.send(key, local.payload, timeoutMs);
  }

  /** Drops a failed local item. */
  dismissLocal(key: string): void {
    const before = this.locals.length;
    this.locals = this.locals.filter((item) => item.key !== key || item.status !== 'failed');
    if (this.locals.length !== before) this.changed();
  }

  private send(key: string, payload: T, timeoutMs?: number): void {
    this.client.publish(this.channel, payload as Json, timeoutMs === undefined ? {} : { timeoutMs }).then(
      (position) => this.confirm(key, position),
      (error: SwitchboardError) => this.replaceLocal(key, { key, payload, status: 'failed', error }),
    );
  }

  private confirm(key: string, position: { epoch: string; offset: number }): void {
    const delivered = this.buffer.some((message) => message.epoch === position.epoch && message.offset === position.offset);
    if (delivered) {
      this.keys.set(positionKey(position), key);
      this.locals = this.locals.filter((item) => item.key !== key);
      this.changed();
      return;
    }
    const local = this.locals.find((item) => item.key === key);
    if (local) this.replaceLocal(key, { ...local, status: 'confirmed', ...position });
  }

  private replaceLocal(key: string, next: LocalPublication<T>): void {
    this.locals = this.locals.map((item) => (item.key === key ? next : item));
    this.changed();
  }

  private open(): void {
    try {
      this.subscription = this.client.subscribe<T>(this.channel);
    } catch (error) {
      this.setState({ status: 'failed', error: error as SwitchboardError });
      return;
    }
    const subscription = this.subscription;
    this.disposers = [
      subscription.on('message', (message) => this.receive(message)),
      subscription.on('state', (status) => this.setState({ status })),
      subscription.on('error', (error) => this.setState({ error })),
      subscription.on('reset', (position) => {
        const reset = { ...position, at: this.client.clock.now() };
        this.setState({ reset });
        for (const handler of [...this.resetHandlers]) handler(reset);
      }),
    ];
    this.setState({ status: subscription.state, error: undefined });
  }

  private receive(message: ChannelMessage<T>): void {
    this.buffer.push(message);
    const capacity = Math.max(0, ...this.retainers.values());
    if (this.buffer.length > capacity) {
      for (const dropped of this.buffer.splice(0, this.buffer.length - capacity)) this.keys.delete(positionKey(dropped));
    }
    const mine = this.locals.find((item) => item.epoch === message.epoch && item.offset === message.offset);
    if (mine) {
      this.keys.set(positionKey(message), mine.key);
      this.locals = this.locals.filter((item) => item !== mine);
    }
    this.changed();
    for (const handler of [...this.handlers]) handler(message);
  }

  /**
   * Deferred: StrictMode's unmount-and-remount, or a route change that keeps the channel,
   * uses it again at once and must not flap the subscription.
   */
  private scheduleRelease(): void {
    this.cancelRelease?.();
    this.cancelRelease = this.timers.after(0, () => this.releaseIfUnused());
  }

  private releaseIfUnused(): void {
    if (this.retainers.size > 0) return;
    if (this.subscription) {
      for (const dispose of this.disposers) dispose();
      this.disposers = [];
      this.subscription.unsubscribe();
      this.subscription = undefined;
      this.buffer = [];
      this.keys.clear();
      this.state = { status: 'idle' };
      this.changed();
    }
    if (this.listeners.size === 0 && this.handlers.size === 0 && this.resetHandlers.size === 0) this.idle(this);
  }

  private setState(change: Partial<EntryState<T>>): void {
    const next = { ...this.state, ...change };
    for (const key of Object.keys(next) as Array<keyof typeof next>) if (next[key] === undefined) delete next[key];
    this.state = next;
    this.changed();
  }

  private changed(): void {
    this.snapshot = undefined;
    this.listeners.notify();
  }
}
