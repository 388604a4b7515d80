/** Exponential backoff with full jitter; see {@link BackoffOptions} for the defaults. */
export interface BackoffOptions {
  /** @default 500 */
  initialMs: number;
  /** @default 2 */
  factor: number;
  /** @default 30000 */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, factor: 2, maxMs: 30_000 };

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry): uniform in
 * [0, min(maxMs, initialMs·factor^attempt)]. Full jitter spreads the clients of a
 * restarted gateway over the whole window instead of bunching them at its edges.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
