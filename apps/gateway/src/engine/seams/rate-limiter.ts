/** A token bucket: `capacity` tokens, refilled by `refill` every `intervalMs`. */
export interface BucketPolicy {
  capacity: number;
  refill: number;
  intervalMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** One token bucket per key; every node sharing the engine shares the buckets. */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket, or says how long until one is there. */
  consume(key: string): Promise<RateDecision>;
}
