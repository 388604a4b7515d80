import type { BucketPolicy, RateDecision } from '../seams/index.js';

/** A bucket's state: tokens left at time `at`. */
export interface BucketState {
  tokens: number;
  at: number;
}

/**
 * One token-bucket step, pure so that the memory and Redis engines agree. Protocol §7
 * asks for a token bucket (capacity `burst`, continuous refill); rate-limiter-flexible
 * only has fixed windows, which let twice the burst through across a window edge. Refills
 * `state` up to `now`, then takes a token if there is a whole one.
 */
export function takeToken(
  state: BucketState | undefined,
  policy: BucketPolicy,
  now: number,
): { state: BucketState; decision: RateDecision } {
  const perMs = policy.refill / policy.intervalMs;
  const elapsed = state ? Math.max(0, now - state.at) : 0;
  const tokens = state ? Math.min(policy.capacity, state.tokens + elapsed * perMs) : policy.capacity;
  if (tokens >= 1) return { state: { tokens: tokens - 1, at: now }, decision: { allowed: true } };
  return {
    state: { tokens, at: now },
    decision: { allowed: false, retryAfterMs: Math.max(1, Math.ceil((1 - tokens) / perMs)) },
  };
}

/** How long an untouched bucket takes to fill up again, after which it can be forgotten. */
export function fullAfterMs(policy: BucketPolicy): number {
  return Math.ceil((policy.capacity * policy.intervalMs) / policy.refill);
}
