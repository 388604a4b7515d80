import type { ChannelMessage, Json, Subscription, SubscriptionState, SwitchboardClient, SwitchboardError } from '@switchboard/client';

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

/** What hooks read about one channel; a new object only when something changed. */
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
type Listener = () => void;
type EntryState<T> = Omit<ChannelSnapshot<T>, 'messages' | 'local' | 'keys'>;

export const positionKey = (position: { epoch: string; offset: number }): string => `${position.epoch}:${position.offset}`;

/**
 * One channel of one client, shared by every hook that uses it: one SDK subscription while
 * any component retains it, one message buffer, the local (optimistic) publications, and
 * the listeners of `useSyncExternalStore`. Messages are appended one by one and every
 * handler sees every one, so a burst within one render is never collapsed.
 */
export class ChannelEntry<T = Json> {
  private readonly retainers = new Map<symbol, number>();
  private readonly listeners = new Set<Listener>();
  private readonly handlers = new Set<(message: ChannelMessage<T>) => void>();
  private readonly resetHandlers = new Set<(reset: ChannelReset) => void>();
  private subscription?: Subscription<T>;
  private disposers: Array<() => void> = [];
  private releaseTimer?: ReturnType<typeof setTimeout>;
  private buffer: ChannelMessage<T>[] = [];
  private locals: LocalPublication<T>[] = [];
  private readonly keys = new Map<string, string>();
  private state: EntryState<T> = { status: 'idle' };
  private snapshot?: ChannelSnapshot<T>;
  private nextLocal = 0;

  constructor(
    private readonly client: AnyClient,
    readonly channel: string,
    /** Called when nothing uses the entry any more, so the registry can forget it. */
    private readonly idle: (entry: ChannelEntry<T>) => void,
  ) {}

  /** Keeps the subscription open and at least `limit` messages buffered until the returned release. */
  retain(limit: number): () => void {
    const token = Symbol(this.channel);
    this.retainers.set(token, limit);
    clearTimeout(this.releaseTimer);
    if (!this.subscription) this.open();
    return () => {
      this.retainers.delete(token);
      this.scheduleRelease();
    };
  }

  readonly listen = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      this.scheduleRelease();
    };
  };

  onMessage(handler: (message: ChannelMessage<T>) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onReset(handler: (reset: ChannelReset) => void): () => void {
    this.resetHandlers.add(handler);
    return () => this.resetHandlers.delete(handler);
  }

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
        const reset = { ...position, at: Date.now() };
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
    clearTimeout(this.releaseTimer);
    this.releaseTimer = setTimeout(() => this.releaseIfUnused(), 0);
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
    for (const listener of [...this.listeners]) listener();
  }
}
