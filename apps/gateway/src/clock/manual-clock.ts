import type { Clock, ClockTimer } from './clock.js';

interface Scheduled {
  at: number;
  task: () => void;
  everyMs?: number;
}

/** A clock that moves only when a test calls {@link ManualClock.advance}. */
export class ManualClock implements Clock {
  private readonly scheduled = new Map<ClockTimer, Scheduled>();

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  setTimeout(task: () => void, ms: number): ClockTimer {
    return this.schedule({ at: this.current + Math.max(0, ms), task });
  }

  setInterval(task: () => void, ms: number): ClockTimer {
    const everyMs = Math.max(1, ms);
    return this.schedule({ at: this.current + everyMs, task, everyMs });
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (timer) this.scheduled.delete(timer);
  }

  clearInterval(timer: ClockTimer | undefined): void {
    if (timer) this.scheduled.delete(timer);
  }

  /** Timers still pending; lets tests check that nothing leaks. */
  get pending(): number {
    return this.scheduled.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due, earliest first. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (let next = this.nextDue(until); next; next = this.nextDue(until)) {
      const [timer, entry] = next;
      this.current = entry.at;
      if (entry.everyMs === undefined) this.scheduled.delete(timer);
      else entry.at += entry.everyMs;
      entry.task();
    }
    this.current = until;
  }

  private schedule(entry: Scheduled): ClockTimer {
    const timer: ClockTimer = { unref: () => timer };
    this.scheduled.set(timer, entry);
    return timer;
  }

  private nextDue(until: number): [ClockTimer, Scheduled] | undefined {
    let due: [ClockTimer, Scheduled] | undefined;
    for (const pair of this.scheduled) if (pair[1].at <= until && (!due || pair[1].at < due[1].at)) due = pair;
    return due;
  }
}
