/**
 * Decides which failures of an outage are worth a warning: the first one after at least
 * `quietMs` without any. While the engine is down every frame, handshake and request fails
 * the same way; one line per outage says so, a counter says how often.
 */
export class OutageNotice {
  private lastAt = Number.NEGATIVE_INFINITY;

  /** @param quietMs how long without a failure ends an outage */
  constructor(private readonly quietMs = 30_000) {}

  /** Records a failure at `now` (ms); true when it starts a new outage. */
  failed(now: number): boolean {
    const starts = now - this.lastAt >= this.quietMs;
    this.lastAt = now;
    return starts;
  }
}
