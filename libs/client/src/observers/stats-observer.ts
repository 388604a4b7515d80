import type { SwitchboardClient } from '../client.js';
import type { ClientStats } from '../client-types.js';
import { Timers } from '../clock.js';
import type { Disposer } from '../emitter.js';
import { Listeners } from './listeners.js';

/** Options of {@link StatsObserver}. */
export interface StatsObserverOptions {
  /**
   * Listeners hear of changes at most this often: the first change after a quiet period at
   * once, the ones within the interval after it together, at its end. 0 reports every change.
   * @default 0
   */
  minIntervalMs?: number;
}

/**
 * The client's counters (`client.stats()`) as an external store, pushed by the client's
 * `stats` event rather than polled: `getSnapshot()` returns the same object until a counter
 * changed. It listens to the client only while it has listeners, and reads the client
 * afresh when it has none, so it never holds on to a client nobody renders.
 *
 * @example
 * const stats = new StatsObserver(client, { minIntervalMs: 500 });
 * const stop = stats.subscribe(() => show(stats.getSnapshot().lastRttMs));
 */
export class StatsObserver {
  private snapshot: ClientStats;
  private readonly listeners: Listeners;
  private readonly timers: Timers;
  private stopListening?: Disposer;
  private lastNotified = -Infinity;
  private trailing?: Disposer;

  constructor(
    private readonly client: SwitchboardClient<any, any>,
    private readonly options: StatsObserverOptions = {},
  ) {
    this.snapshot = client.stats();
    this.timers = new Timers(client.clock);
    this.listeners = new Listeners(
      () => (this.stopListening = client.on('stats', (stats) => this.changed(stats))),
      () => {
        this.stopListening?.();
        this.timers.clear();
        this.trailing = undefined;
      },
    );
  }

  /** Calls `listener` after changes of the counters; returns the way to stop. */
  readonly subscribe = (listener: () => void): Disposer => {
    const stop = this.listeners.add(listener);
    this.adopt(this.client.stats());
    return stop;
  };

  /** The counters: the same object until one of them changed. */
  readonly getSnapshot = (): ClientStats => {
    if (this.listeners.size === 0) this.adopt(this.client.stats());
    return this.snapshot;
  };

  private changed(stats: ClientStats): void {
    if (!this.adopt(stats) || this.trailing) return;
    const wait = this.lastNotified + (this.options.minIntervalMs ?? 0) - this.client.clock.now();
    if (wait <= 0) return this.notify();
    this.trailing = this.timers.after(wait, () => {
      this.trailing = undefined;
      this.notify();
    });
  }

  private notify(): void {
    this.lastNotified = this.client.clock.now();
    this.listeners.notify();
  }

  /** Takes `stats` as the snapshot if a counter differs; whether it did. */
  private adopt(stats: ClientStats): boolean {
    const current = this.snapshot;
    const keys = Object.keys({ ...current, ...stats }) as Array<keyof ClientStats>;
    if (keys.every((key) => stats[key] === current[key])) return false;
    this.snapshot = stats;
    return true;
  }
}
