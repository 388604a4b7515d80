import type { SwitchboardClient } from '../client.js';
import type { Disposer } from '../emitter.js';
import type { SwitchboardError } from '../errors.js';
import type { ClientState, FailureReason } from '../state.js';
import { Listeners } from './listeners.js';

/** What an app renders about the connection; a new object only when a field changes. */
export interface ConnectionSnapshot {
  status: ClientState;
  /** Why the client stopped for good, when `status` is `failed`. */
  reason?: FailureReason;
  /** The last failure nobody awaited (discovery, ticket, an answer to `send`); cleared on open. */
  error?: SwitchboardError;
  /** While waiting to reconnect: when the next attempt starts (ms since epoch), for a countdown. */
  retryAt?: number;
  /** The user the gateway welcomed, once connected. */
  userId?: string;
}

/**
 * The connection side of one client as an external store: `subscribe(listener)` returns
 * the way to stop, `getSnapshot()` the same object until something changed (what React's
 * `useSyncExternalStore`, Vue's `shallowRef` or a Svelte store need). It listens to the
 * client from creation until `dispose()`, so a snapshot read after a quiet period is
 * current; its registrations on the client are kept and `dispose()` removes them all.
 *
 * @example
 * const connection = new ConnectionObserver(client);
 * const stop = connection.subscribe(() => render(connection.getSnapshot().status));
 */
export class ConnectionObserver {
  private snapshot: ConnectionSnapshot;
  private readonly listeners = new Listeners();
  private readonly disposers: Disposer[];

  constructor(client: SwitchboardClient<any, any>) {
    this.snapshot = { status: client.state };
    this.disposers = [
      client.on('state', ({ state, reason }) => this.update({ status: state, reason, ...(state === 'open' ? { error: undefined, retryAt: undefined } : {}) })),
      client.on('error', (error) => this.update({ error })),
      client.on('retry', ({ at }) => this.update({ retryAt: at })),
      client.on('welcome', ({ userId }) => this.update({ userId })),
    ];
  }

  /** Calls `listener` after every change of the snapshot; returns the way to stop. */
  readonly subscribe = (listener: () => void): Disposer => this.listeners.add(listener);

  /** The current snapshot: the same object until a field changes. */
  readonly getSnapshot = (): ConnectionSnapshot => this.snapshot;

  /** Stops listening to the client; the snapshot stays as it was. */
  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  private update(change: Partial<ConnectionSnapshot>): void {
    const next = { ...this.snapshot, ...change };
    const keys = Object.keys(next) as Array<keyof ConnectionSnapshot>;
    if (keys.every((key) => next[key] === this.snapshot[key])) return;
    for (const key of keys) if (next[key] === undefined) delete next[key];
    this.snapshot = next;
    this.listeners.notify();
  }
}
