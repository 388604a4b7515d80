/** A timer a {@link Clock} started; `unref` lets the process exit while it is pending. */
export interface ClockTimer {
  unref(): ClockTimer;
}

/**
 * The gateway's only source of time. Every "now" and every timer goes through it, so a
 * test drives time with a manual clock instead of sleeping or jumping the system clock.
 */
export interface Clock {
  /** ms since the Unix epoch. */
  now(): number;
  setTimeout(task: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
  setInterval(task: () => void, ms: number): ClockTimer;
  clearInterval(timer: ClockTimer | undefined): void;
}

/** The process's real time and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (task, ms) => setTimeout(task, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
  setInterval: (task, ms) => setInterval(task, ms),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout | undefined),
};

/** Nest injection token of the {@link Clock}. */
export const CLOCK = Symbol('CLOCK');
