import type { Clock } from '../clock/index.js';
import type { Connection } from '../connections/index.js';

/** The rate limit's window, which also bounds how many refused frames a client may ignore. */
export interface AbusePolicy {
  intervalMs: number;
  burst: number;
}

/**
 * What the gateway keeps about one connection while it serves its frames: the turn its
 * frames take in arrival order, how many it refused for the rate limit in the current
 * interval, and how many frames failed inside the gateway.
 */
export class Session {
  private turn: Promise<void> = Promise.resolve();
  private windowStart: number;
  private refusedInWindow = 0;
  private internalFailures = 0;

  constructor(
    readonly connection: Connection,
    private readonly clock: Clock,
    private readonly policy: AbusePolicy,
  ) {
    this.windowStart = clock.now();
  }

  /**
   * Runs `task` once every task queued before it has settled, so rate-limit decisions and
   * dispatch keep the frames' arrival order; a task that rejects goes to `failed`.
   */
  queue(task: () => Promise<void>, failed: (error: unknown) => void): void {
    this.turn = this.turn.then(task).catch(failed);
  }

  /**
   * Counts a frame refused for the rate limit; true once more than `burst` were refused in
   * one interval: the client ignores `RATE_LIMITED`, and is closed for it.
   */
  refused(): boolean {
    const now = this.clock.now();
    if (now - this.windowStart >= this.policy.intervalMs) {
      this.windowStart = now;
      this.refusedInWindow = 0;
    }
    this.refusedInWindow++;
    return this.refusedInWindow > this.policy.burst;
  }

  /**
   * Counts a frame that failed inside the gateway; returns how many have. Only the first
   * is worth a stack in the log: a client that found a way to trigger one must not be able
   * to flood the log with it.
   */
  failedInternally(): number {
    return ++this.internalFailures;
  }
}
