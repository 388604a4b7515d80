import { CLOSE_REACTIONS, type CloseCode, type DiscoveryDocument } from '@switchboard/protocol';
import { backoffDelay } from './backoff.js';
import type { Disposer } from './emitter.js';
import { SwitchboardError } from './errors.js';
import { fetchDiscovery, fetchTicket } from './http.js';
import type { ResolvedOptions } from './options.js';
import type { FailureReason } from './state.js';

/** Credential failures in a row (401 at the ticket, 4001) after which the client gives up. */
export const MAX_AUTH_FAILURES = 3;

/** A connection that lasted this long resets the backoff; a shorter one keeps climbing it. */
const STABLE_AFTER_MS = 5_000;

/** What the connector reports to the client. */
export interface ConnectorHooks {
  error(error: SwitchboardError): void;
  fail(reason: FailureReason): void;
  discovered(document: DiscoveryDocument): void;
  /** The next attempt starts at `at` (ms since epoch); `undefined` once it is under way. */
  waiting(at: number | undefined): void;
}

/**
 * Finds the URL of the next connect attempt: waits out the delay the last close asked
 * for (cut short when the network or the tab comes back), then gets the discovery
 * document (cached, refetched after repeated failures) and a fresh ticket.
 */
export class Connector {
  private discovery?: DiscoveryDocument;
  private attempt = 0;
  private failuresInARow = 0;
  private authFailures = 0;
  private nextDelayMs = 0;
  /** The network or the tab coming back may cut a backoff short, never a delay the server asked for. */
  private hurryable = false;
  private openedAt?: number;
  /** Ends the current wait early; set only while waiting. */
  private wake?: () => void;
  /** The network or the tab came back during an attempt: skip the wait after it if it fails. */
  private hurried = false;
  private readonly disposers: Disposer[];
  stopped = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly fetch: typeof globalThis.fetch,
    private readonly hooks: ConnectorHooks,
  ) {
    const hurry = () => {
      if (this.wake) {
        if (this.hurryable) this.wake();
      } else {
        this.hurried = true;
      }
    };
    this.disposers = [options.network.onOnline(hurry), options.network.onVisible(hurry)];
  }

  /** The reconnecting-websocket URL provider; it never rejects (that would stall the socket). */
  readonly nextUrl = async (): Promise<string> => {
    for (;;) {
      // An attempt started offline fails even if the network is back by the time it does.
      if (!(this.hurried && this.hurryable)) await this.sleep(this.nextDelayMs);
      this.hurried = false;
      if (this.stopped) return 'ws://closed.invalid';
      try {
        const timeoutMs = this.options.connectTimeoutMs;
        this.discovery ??= await fetchDiscovery(this.fetch, this.options.url, timeoutMs);
        this.hooks.discovered(this.discovery);
        const token = await this.options.getToken();
        return (await fetchTicket(this.fetch, this.discovery.auth.ticketUrl, token, timeoutMs)).url;
      } catch (error) {
        const failure = error instanceof SwitchboardError ? error : new SwitchboardError('NETWORK', String(error), { recoverable: true });
        this.hooks.error(failure);
        if (failure.status === 403) return this.giveUp('forbidden');
        if (failure.status === 401 && ++this.authFailures >= MAX_AUTH_FAILURES) return this.giveUp('unauthorized');
        this.connectFailed(failure.retryAfterMs);
      }
    }
  };

  /** A connection was welcomed; if it lasts, the backoff starts over at its next failure. */
  opened(credentialLifetimeMs: number): void {
    this.openedAt = this.options.now();
    this.hurried = false;
    this.failuresInARow = 0;
    this.nextDelayMs = 0;
    // A credential that is about to expire again does not end a run of 4001s.
    if (credentialLifetimeMs > 5_000) this.authFailures = 0;
  }

  /**
   * Sets up the next attempt after a close, by code: data in `CLOSE_REACTIONS` (protocol §7).
   * A close reconnecting-websocket made up itself (`synthetic`: a refused handshake, a
   * connect timeout) says 1000 but is a failed attempt.
   */
  afterClose(code: number, synthetic: boolean, serverAfterMs = 0): 'reconnect' | 'closed' | FailureReason {
    const reaction = synthetic && code === 1000 ? 'reconnect-with-backoff' : (CLOSE_REACTIONS[code as CloseCode] ?? 'reconnect-with-backoff');
    switch (reaction) {
      case 'none':
        return 'closed';
      case 'stop':
        return code === 4008 ? 'evicted' : 'forbidden';
      case 'refresh-credential':
        return this.credentialRejected() ? 'reconnect' : 'unauthorized';
      case 'reconnect-after-server-delay':
        this.afterServerDelay(serverAfterMs);
        break;
      case 'reconnect':
        this.soon();
        break;
      default:
        this.connectFailed();
    }
    return 'reconnect';
  }

  /** A connect attempt or a connection failed: back off, and after a few, rediscover. */
  private connectFailed(retryAfterMs?: number): void {
    this.settleUptime();
    if (++this.failuresInARow >= this.options.discoveryRefetchAfter) this.discovery = undefined;
    this.nextDelayMs = Math.max(retryAfterMs ?? 0, backoffDelay(this.attempt++, this.options.backoff, this.options.random));
    this.hurryable = retryAfterMs === undefined;
  }

  /** Reconnect soon, with a little jitter: a normal going-away or an oversize frame. */
  private soon(): void {
    this.settleUptime();
    this.nextDelayMs = backoffDelay(0, this.options.backoff, this.options.random);
    this.hurryable = true;
  }

  /** A drain (1012): the server's `afterMs` plus jitter, so its clients spread out. */
  private afterServerDelay(afterMs: number): void {
    this.settleUptime();
    this.nextDelayMs = afterMs + backoffDelay(0, this.options.backoff, this.options.random);
    this.hurryable = false;
  }

  /** A 4001: reconnect with a fresh token, unless that has failed too often in a row. */
  private credentialRejected(): boolean {
    this.settleUptime();
    if (++this.authFailures >= MAX_AUTH_FAILURES) return false;
    this.nextDelayMs = 0;
    return true;
  }

  /** A connection that stayed up long enough resets the backoff. */
  private settleUptime(): void {
    if (this.openedAt !== undefined && this.options.now() - this.openedAt >= STABLE_AFTER_MS) this.attempt = 0;
    this.openedAt = undefined;
  }

  dispose(): void {
    this.stopped = true;
    this.wake?.();
    for (const dispose of this.disposers) dispose();
  }

  private giveUp(reason: FailureReason): string {
    this.hooks.fail(reason);
    return 'ws://closed.invalid';
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    this.hooks.waiting(this.options.now() + ms);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.hooks.waiting(undefined);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
