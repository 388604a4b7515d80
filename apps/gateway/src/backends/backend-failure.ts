import type { BackendOutcome } from './backend-bridge.js';

/**
 * How a request that did not succeed ended, as counted in
 * `switchboard_backend_requests_total{outcome}`. Only `rejected` (a 4xx answer) means the
 * backend is healthy; the others count against the circuit breaker.
 */
export type FailureKind = 'rejected' | 'unavailable' | 'timeout';

/** A request that did not end in a 2xx answer. */
export type FailedOutcome = Extract<BackendOutcome, { ok: false }>;

/**
 * Thrown out of the breaker's action for every answer that is not a success, so that
 * opossum sees it; `outcome` is what the client gets and the error's own message (with
 * `context`) is for the log only.
 */
export class BackendFailure extends Error {
  override readonly name = 'BackendFailure';

  constructor(
    readonly kind: FailureKind,
    readonly outcome: FailedOutcome,
    reason: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}
