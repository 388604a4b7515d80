import type { Disposer } from './emitter.js';

/** What a {@link Clock} returns for a timer it started; only the same clock reads it. */
export type TimerHandle = unknown;

/**
 * The SDK's only source of time: every "now" and every timer of the client goes through
 * it, so a test drives time with a fake clock instead of sleeping. The shape is that of
 * the global timer functions, so `globalThis` timers (or jest's fakes) fit as they are.
 *
 * @example
 * createClient({ url, getToken, clock: myFakeClock });
 */
export interface Clock {
  /** ms since the Unix epoch. */
  now(): number;
  setTimeout(task: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(task: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

/**
 * The environment's clock and timers, looked up at each call so that fake timers installed
 * after the client was created (jest's, sinon's) still apply.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (task, ms) => globalThis.setTimeout(task, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (task, ms) => globalThis.setInterval(task, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
};

/** setTimeout fires at once past 2^31-1 ms: longer delays are clamped to it. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * The timers one owner started on a {@link Clock}, each cancelled by the disposer it
 * returned or all at once by `clear()`: nothing an owner started outlives its teardown.
 */
export class Timers {
  private readonly pending = new Map<symbol, Disposer>();

  constructor(readonly clock: Clock) {}

  /** Runs `task` once after `ms`; the disposer cancels it. */
  after(ms: number, task: () => void): Disposer {
    const key = Symbol('timeout');
    const handle = this.clock.setTimeout(() => {
      this.pending.delete(key);
      task();
    }, Math.min(Math.max(0, ms), MAX_DELAY_MS));
    return this.track(key, () => this.clock.clearTimeout(handle));
  }

  /** Runs `task` every `ms` until the disposer is called. */
  every(ms: number, task: () => void): Disposer {
    const handle = this.clock.setInterval(task, ms);
    return this.track(Symbol('interval'), () => this.clock.clearInterval(handle));
  }

  /** Timers started and neither run (timeouts) nor cancelled; tests count them. */
  get size(): number {
    return this.pending.size;
  }

  /** Cancels every pending timer. */
  clear(): void {
    for (const cancel of [...this.pending.values()]) cancel();
  }

  private track(key: symbol, cancel: () => void): Disposer {
    const dispose = () => {
      if (this.pending.delete(key)) cancel();
    };
    this.pending.set(key, dispose);
    return dispose;
  }
}
