import type { RateLimitPolicy } from './discovery.js';

/**
 * The token bucket of protocol §7, one implementation for both ends: the gateway keeps a
 * bucket per user (and per IP for handshakes and tickets), the SDK mirrors the user's
 * bucket so that sends wait for a token instead of being refused with `RATE_LIMITED`.
 * Time is always passed in, so each end reads its own clock and tests drive it.
 * A true bucket (capacity, continuous refill) rather than fixed windows, which let twice
 * the burst through across a window edge.
 */

/** A token bucket: `capacity` tokens, refilled continuously by `refill` every `intervalMs`. */
export interface TokenBucketPolicy {
  capacity: number;
  refill: number;
  intervalMs: number;
}

/** A bucket's state: `tokens` left at time `at` (ms, on the caller's clock). */
export interface TokenBucketState {
  tokens: number;
  at: number;
}

/** Whether a token was taken; if not, how many ms until the next whole one is there. */
export type TokenDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * The bucket a {@link RateLimitPolicy} describes: capacity `burst`, refilled by `messages`
 * every `intervalMs`, times `refillFactor`.
 *
 * @param refillFactor below 1 for a client mirroring the gateway's bucket: network delays
 * vary, so a client spending tokens exactly as fast as the gateway refills them is
 * sometimes early.
 * @default refillFactor 1
 */
export function rateLimitBucket(policy: RateLimitPolicy, refillFactor = 1): TokenBucketPolicy {
  return { capacity: policy.burst, refill: policy.messages * refillFactor, intervalMs: policy.intervalMs };
}

/** Tokens in the bucket at `now`: a missing state is a full bucket; a clock going backwards adds none. */
function tokensAt(state: TokenBucketState | undefined, policy: TokenBucketPolicy, now: number): number {
  if (!state) return policy.capacity;
  return Math.min(policy.capacity, state.tokens + (Math.max(0, now - state.at) * policy.refill) / policy.intervalMs);
}

/**
 * One bucket step, pure so that every engine (memory now, Redis later) and the SDK agree:
 * refills `state` up to `now`, then takes a token if there is a whole one.
 *
 * @example
 * const { state, decision } = takeToken(buckets.get(userId), policy, clock.now());
 * buckets.set(userId, state);
 * if (!decision.allowed) refuse(decision.retryAfterMs);
 */
export function takeToken(
  state: TokenBucketState | undefined,
  policy: TokenBucketPolicy,
  now: number,
): { state: TokenBucketState; decision: TokenDecision } {
  const perMs = policy.refill / policy.intervalMs;
  const tokens = tokensAt(state, policy, now);
  if (tokens >= 1) return { state: { tokens: tokens - 1, at: now }, decision: { allowed: true } };
  return { state: { tokens, at: now }, decision: { allowed: false, retryAfterMs: Math.max(1, Math.ceil((1 - tokens) / perMs)) } };
}

/** How long an untouched bucket takes to fill up again, after which it can be forgotten. */
export function fullAfterMs(policy: TokenBucketPolicy): number {
  return Math.ceil((policy.capacity * policy.intervalMs) / policy.refill);
}

/**
 * One bucket with its state, for a single client: {@link takeToken} around a clock.
 *
 * @example
 * const bucket = new TokenBucket(rateLimitBucket(welcome.limits.rateLimit, 0.8), Date.now);
 * const wait = bucket.take();
 * if (wait > 0) setTimeout(pump, wait);
 */
export class TokenBucket {
  private state?: TokenBucketState;

  constructor(
    private policy: TokenBucketPolicy,
    private readonly now: () => number,
  ) {}

  /** Adopts a new policy (limits a new connection advertises), keeping what is left of the bucket. */
  update(policy: TokenBucketPolicy): void {
    const at = this.now();
    if (this.state) this.state = { tokens: Math.min(tokensAt(this.state, this.policy, at), policy.capacity), at };
    this.policy = policy;
  }

  /** Takes a token and returns 0, or returns how many ms until one is there. */
  take(): number {
    const { state, decision } = takeToken(this.state, this.policy, this.now());
    this.state = state;
    return decision.allowed ? 0 : decision.retryAfterMs;
  }
}
