import type { TokenBucketPolicy, TokenDecision } from '@switchboard/protocol';

/** A token bucket: `capacity` tokens, refilled by `refill` every `intervalMs` (the protocol's bucket). */
export type BucketPolicy = TokenBucketPolicy;

export type RateDecision = TokenDecision;

/** One token bucket per key; every node sharing the engine shares the buckets. */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket, or says how long until one is there. */
  consume(key: string): Promise<RateDecision>;
}
