import type { Clock, TimerHandle } from '../clock.js';

interface Scheduled {
  at: number;
  task: () => void;
  /** Set for an interval: it is scheduled again this long after each run. */
  every?: number;
}

/**
 * A {@link Clock} whose time moves only when a test calls `advance()`; it counts the
 * timers pending on it, so a test can show that nothing is left behind. Test support,
 * not part of the published package.
 */
export class ManualClock implements Clock {
  private time: number;
  private readonly timers = new Map<number, Scheduled>();
  private nextHandle = 1;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(task: () => void, ms: number): TimerHandle {
    return this.schedule({ at: this.time + Math.max(0, ms), task });
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  setInterval(task: () => void, ms: number): TimerHandle {
    return this.schedule({ at: this.time + Math.max(1, ms), task, every: Math.max(1, ms) });
  }

  clearInterval(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Timers set and neither run (timeouts) nor cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order of time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      const [handle, timer] = due;
      this.time = Math.max(this.time, timer.at);
      if (timer.every === undefined) this.timers.delete(handle);
      else timer.at += timer.every;
      timer.task();
    }
    this.time = end;
  }

  private schedule(timer: Scheduled): number {
    const handle = this.nextHandle++;
    this.timers.set(handle, timer);
    return handle;
  }
}
