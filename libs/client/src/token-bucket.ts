import type { RateLimitPolicy } from '@switchboard/protocol';

/**
 * Network delays vary, so a client that spends tokens exactly as fast as the gateway
 * refills them is sometimes early: it refills this much slower.
 */
const SAFETY = 0.8;

/**
 * The gateway's per-user bucket mirrored on the client, so that sends wait for a token
 * instead of being refused with `RATE_LIMITED`.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private policy: RateLimitPolicy,
    private readonly now: () => number,
  ) {
    this.tokens = policy.burst;
    this.at = now();
  }

  /** Adopts the limits a new connection advertises, keeping what is left of the bucket. */
  update(policy: RateLimitPolicy): void {
    this.refill();
    this.policy = policy;
    this.tokens = Math.min(this.tokens, policy.burst);
  }

  /** Takes a token, or returns how many ms until one is there. */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * this.policy.intervalMs) / (this.policy.messages * SAFETY));
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.at);
    this.tokens = Math.min(this.policy.burst, this.tokens + (elapsed * this.policy.messages * SAFETY) / this.policy.intervalMs);
    this.at = now;
  }
}
