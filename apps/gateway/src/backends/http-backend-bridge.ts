import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import CircuitBreaker from 'opossum';
import { Pool } from 'undici';
import { CLOCK, type Clock } from '../clock/index.js';
import type { BackendSettings } from '../config/index.js';
import { MetricsService } from '../metrics/index.js';
import type { BackendBridge, BackendOutcome, BackendRequest } from './backend-bridge.js';
import { BackendFailure, type FailureKind } from './backend-failure.js';
import { SIGNATURE_HEADER, signBody } from './body-signature.js';
import { readAnswer, UNAVAILABLE_MESSAGE } from './read-answer.js';
import { BACKEND_SETTINGS, type BackendsSettings } from './backends-settings.js';

/** Values of the `outcome` label of `switchboard_backend_requests_total`. */
export type BackendRequestOutcome = 'ok' | FailureKind | 'circuit_open';

/**
 * Sends each application message to `BACKEND_URL` as a signed JSON POST over a
 * keep-alive pool of `BACKEND_MAX_CONNECTIONS` connections, and turns the answer into an
 * outcome (docs/backends.md). A circuit breaker stops calling a failing backend for
 * `BACKEND_BREAKER_RESET_MS`, so requests fail fast instead of piling up behind it.
 */
@Injectable()
export class HttpBackendBridge implements BackendBridge {
  private readonly settings: BackendSettings;
  private readonly path: string;
  private readonly pool: Pool;
  private readonly breaker: CircuitBreaker<[string], BackendOutcome>;
  private openedAt = 0;
  private closing?: Promise<void>;

  constructor(
    @Inject(BACKEND_SETTINGS.token) config: BackendsSettings,
    private readonly metrics: MetricsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @InjectPinoLogger('backend') private readonly log: PinoLogger,
  ) {
    if (!config.backend) throw new Error('HttpBackendBridge needs config.backend (BACKEND_URL)');
    this.settings = config.backend;
    const url = new URL(this.settings.url);
    this.path = url.pathname + url.search;
    this.pool = new Pool(url.origin, { connections: this.settings.maxConnections });
    this.breaker = this.createBreaker();
    // The query string may carry a credential of the backend's, so it stays out of the log.
    this.log.info(
      { url: url.origin + url.pathname, timeoutMs: this.settings.timeoutMs, maxConnections: this.settings.maxConnections },
      'application messages go to the backend',
    );
  }

  /** Never rejects: every way a request can end is an outcome. */
  async deliver(request: BackendRequest): Promise<BackendOutcome> {
    // Built field by field so that nothing else the caller's object carries leaks out, and
    // `payload` is always present: JSON.stringify would drop an undefined one.
    const body = JSON.stringify({
      type: request.type,
      id: request.id,
      payload: request.payload ?? null,
      user: { id: request.user.id, claims: request.user.claims },
      connectionId: request.connectionId,
    });
    const started = performance.now();
    try {
      const outcome = await this.breaker.fire(body);
      this.count('ok', started);
      return outcome;
    } catch (error) {
      return this.failed(error, request, started);
    }
  }

  /** Stops the breaker's timers and waits for requests in flight (each ends within its timeout). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.breaker.shutdown();
      await this.pool.close();
    })();
    return this.closing;
  }

  /** The breaker's action: one HTTP request, failing with a {@link BackendFailure}. */
  private async send(body: string): Promise<BackendOutcome> {
    const abort = new AbortController();
    // One deadline for queueing, connecting, the answer and its body.
    const timer = this.clock.setTimeout(() => abort.abort(), this.settings.timeoutMs);
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': 'switchboard-gateway',
          [SIGNATURE_HEADER]: signBody(body, this.settings.secret),
        },
        body,
        signal: abort.signal,
      });
      return await readAnswer(response, this.clock.now());
    } catch (error) {
      if (error instanceof BackendFailure) throw error;
      if (abort.signal.aborted) {
        const message = `the backend did not answer within ${this.settings.timeoutMs} ms`;
        throw new BackendFailure('timeout', { ok: false, code: 'TIMEOUT', message }, 'timed out', { timeoutMs: this.settings.timeoutMs });
      }
      const { code, message } = error as { code?: string; message?: string };
      throw new BackendFailure('unavailable', { ok: false, code: 'BACKEND_UNAVAILABLE', message: UNAVAILABLE_MESSAGE }, 'request failed', {
        error: code ?? message,
      });
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private failed(error: unknown, request: BackendRequest, started: number): BackendOutcome {
    const fields = { type: request.type, id: request.id, connectionId: request.connectionId };
    if (error instanceof BackendFailure) {
      this.count(error.kind, started);
      const logged = { ...fields, reason: error.message, ...error.context };
      if (error.kind === 'rejected') this.log.debug(logged, 'the backend refused a message');
      else this.log.warn(logged, 'backend request failed');
      return error.outcome;
    }
    if ((error as { code?: string }).code === 'EOPENBREAKER') {
      this.count('circuit_open');
      this.log.debug(fields, 'circuit open: message not sent to the backend');
      return { ok: false, code: 'BACKEND_UNAVAILABLE', message: UNAVAILABLE_MESSAGE, retryAfterMs: this.retryAfterMs() };
    }
    // The breaker is shut down: the gateway is stopping.
    this.count('unavailable');
    this.log.debug({ ...fields, reason: (error as Error).message }, 'message not sent to the backend');
    return { ok: false, code: 'BACKEND_UNAVAILABLE', message: UNAVAILABLE_MESSAGE };
  }

  private createBreaker(): CircuitBreaker<[string], BackendOutcome> {
    const { errorPercent, minRequests, resetMs } = this.settings.breaker;
    const breaker = new CircuitBreaker((body: string) => this.send(body), {
      name: 'backend',
      // send() enforces BACKEND_TIMEOUT_MS itself, because only it can abort the request.
      timeout: false,
      errorThresholdPercentage: errorPercent,
      volumeThreshold: minRequests,
      resetTimeout: resetMs,
      // A 4xx answer shows a healthy backend refusing one message: no reason to stop calling it.
      errorFilter: (error: unknown) => error instanceof BackendFailure && error.kind === 'rejected',
      // Percentiles sort every latency of the window on each failure; nothing reads them.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    breaker.on('open', () => {
      this.openedAt = this.clock.now();
      this.log.warn({ resetMs }, 'backend failing: circuit open, messages answer BACKEND_UNAVAILABLE without calling it');
    });
    breaker.on('halfOpen', () => this.log.info('backend circuit half-open: trying one message'));
    breaker.on('close', () => this.log.info('backend circuit closed: the backend answers again'));
    return breaker;
  }

  /** Until the circuit half-opens; once half-open, the one trial request ends within the timeout. */
  private retryAfterMs(): number {
    const untilHalfOpen = this.openedAt + this.settings.breaker.resetMs - this.clock.now();
    return untilHalfOpen > 0 ? Math.ceil(untilHalfOpen) : this.settings.timeoutMs;
  }

  private count(outcome: BackendRequestOutcome, started?: number): void {
    this.metrics.backendRequests.inc({ outcome });
    if (started !== undefined) this.metrics.backendLatency.observe((performance.now() - started) / 1000);
  }
}
