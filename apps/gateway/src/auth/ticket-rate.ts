import type { BucketPolicy } from '../engine/index.js';
import { GatewayHttpException } from '../http/index.js';

/** A bucket of `perSecond` tickets, refilled at that rate: bursts up to one second's worth. */
export function ticketBucket(perSecond: number): BucketPolicy {
  return { capacity: perSecond, refill: perSecond, intervalMs: 1_000 };
}

/** The 429 `RATE_LIMITED` for a ticket request over a budget, with `Retry-After` in whole seconds. */
export function ticketRateLimited(retryAfterMs: number, message: string): GatewayHttpException {
  return new GatewayHttpException(429, 'RATE_LIMITED', message, { 'Retry-After': String(Math.ceil(retryAfterMs / 1_000)) });
}
