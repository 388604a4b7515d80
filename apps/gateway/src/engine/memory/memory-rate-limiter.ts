import { fullAfterMs, takeToken, type TokenBucketState } from '@switchboard/protocol';
import type { Clock } from '../../clock/index.js';
import type { BucketPolicy, RateDecision, RateLimiter } from '../seams/index.js';

/** Token buckets in a Map; a bucket that has filled up again is forgotten by `sweep`. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, TokenBucketState>();

  constructor(
    private readonly policy: BucketPolicy,
    private readonly clock: Clock,
  ) {}

  async consume(key: string): Promise<RateDecision> {
    const { state, decision } = takeToken(this.buckets.get(key), this.policy, this.clock.now());
    this.buckets.set(key, state);
    return decision;
  }

  /** Drops buckets that are full again: a missing bucket reads as full. */
  sweep(): void {
    const idle = fullAfterMs(this.policy);
    const now = this.clock.now();
    for (const [key, state] of this.buckets) {
      if (now - state.at >= idle) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
