import type { ClientState, FailureReason, SwitchboardClient, SwitchboardError } from '@switchboard/client';

/** What the app renders about the connection; a new object only when a field changes. */
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

type AnyClient = SwitchboardClient<any, any>;

/**
 * The connection side of one client as an external store for `useSyncExternalStore`.
 * It listens to the client for the client's whole life: a snapshot read after a quiet
 * period must still be current, and the listeners are in-memory only.
 */
export class ConnectionStore {
  private snapshot: ConnectionSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(client: AnyClient) {
    this.snapshot = { status: client.state };
    client.on('state', ({ state, reason }) =>
      this.update({ status: state, reason, ...(state === 'open' ? { error: undefined, retryAt: undefined } : {}) }),
    );
    client.on('error', (error) => this.update({ error }));
    client.on('retry', ({ at }) => this.update({ retryAt: at }));
    client.on('welcome', ({ userId }) => this.update({ userId }));
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ConnectionSnapshot => this.snapshot;

  private update(change: Partial<ConnectionSnapshot>): void {
    const next = { ...this.snapshot, ...change };
    const keys = Object.keys(next) as Array<keyof ConnectionSnapshot>;
    if (keys.every((key) => next[key] === this.snapshot[key])) return;
    for (const key of keys) if (next[key] === undefined) delete next[key];
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }
}
