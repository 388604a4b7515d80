import type { DiscoveryDocument } from '@switchboard/protocol';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { CloseAction } from './close-policy.js';
import type { SwitchboardError } from './errors.js';
import type { FailureReason } from './state.js';

/** Credential failures in a row (401 at the ticket, 4001) after which the client gives up. */
export const MAX_AUTH_FAILURES = 3;

/** A connection that lasted this long resets the backoff; a shorter one keeps climbing it. */
export const STABLE_AFTER_MS = 5_000;

/** A welcome whose credential lives longer than this ends a run of credential failures. */
const FRESH_CREDENTIAL_MS = 5_000;

/** What comes after an attempt or a connection ended. */
export type NextStep =
  | { kind: 'close' }
  | { kind: 'fail'; reason: FailureReason }
  /** Try again after `delayMs` (0: at once); `hurryable` when the network or the tab coming back may cut the wait short. */
  | { kind: 'retry'; delayMs: number; hurryable: boolean };

/** What the plan needs to know. */
export interface ReconnectPlanOptions {
  backoff: BackoffOptions;
  /** Failed attempts in a row after which the discovery document is fetched again. */
  discoveryRefetchAfter: number;
  random: () => number;
}

/**
 * The bookkeeping between attempts, and only that: how long to wait (full-jitter backoff
 * that a stable connection resets, the server's `afterMs`, `Retry-After`), when credential
 * failures mean giving up, and when the cached discovery document is stale. It starts no
 * timer and knows no state: the connection manager asks it, then moves the state machine.
 */
export class ReconnectPlan {
  /** The cached discovery document; dropped after repeated failures. */
  discovery?: DiscoveryDocument;
  private attempt = 0;
  private failuresInARow = 0;
  private authFailures = 0;

  constructor(private readonly options: ReconnectPlanOptions) {}

  /** A connection was welcomed; `credentialLifetimeMs` is how long its credential lives. */
  opened(credentialLifetimeMs: number): void {
    this.failuresInARow = 0;
    // A credential that is about to expire again does not end a run of 4001s.
    if (credentialLifetimeMs > FRESH_CREDENTIAL_MS) this.authFailures = 0;
  }

  /** Discovery, `getToken()` or the ticket request failed with `error`. */
  afterFetchFailure(error: SwitchboardError): NextStep {
    if (error.status === 403) return { kind: 'fail', reason: 'forbidden' };
    if (error.status === 401 && ++this.authFailures >= MAX_AUTH_FAILURES) return { kind: 'fail', reason: 'unauthorized' };
    return this.backOff(error.retryAfterMs);
  }

  /**
   * A connection or a handshake ended and `action` is the close policy's word on it.
   * `openForMs` is how long it had been open (welcomed), if it was; `serverAfterMs` is the
   * `afterMs` of a preceding `reconnect` frame.
   */
  afterClose(action: CloseAction, openForMs: number | undefined, serverAfterMs = 0): NextStep {
    if (openForMs !== undefined && openForMs >= STABLE_AFTER_MS) this.attempt = 0;
    switch (action.kind) {
      case 'close':
      case 'fail':
        return action;
      case 'refresh-credential':
        if (++this.authFailures >= MAX_AUTH_FAILURES) return { kind: 'fail', reason: 'unauthorized' };
        return { kind: 'retry', delayMs: 0, hurryable: true };
    }
    const jitter = (): number => backoffDelay(0, this.options.backoff, this.options.random);
    if (action.delay === 'jitter') return { kind: 'retry', delayMs: jitter(), hurryable: true };
    // A drain: the server's `afterMs` plus jitter, so its clients spread out.
    if (action.delay === 'server') return { kind: 'retry', delayMs: serverAfterMs + jitter(), hurryable: false };
    return this.backOff();
  }

  /** A failed attempt: the next backoff delay (at least `retryAfterMs`), and after a few in a row, rediscovery. */
  private backOff(retryAfterMs?: number): NextStep {
    if (++this.failuresInARow >= this.options.discoveryRefetchAfter) this.discovery = undefined;
    const delayMs = Math.max(retryAfterMs ?? 0, backoffDelay(this.attempt++, this.options.backoff, this.options.random));
    return { kind: 'retry', delayMs, hurryable: retryAfterMs === undefined };
  }
}
