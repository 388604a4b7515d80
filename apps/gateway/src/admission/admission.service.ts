import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { CloseCode } from '@switchboard/protocol';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { CredentialError, TicketService, TokenVerifier, type Identity } from '../auth/index.js';
import { ConnectionManager } from '../connections/index.js';
import { CLOCK, type Clock } from '../clock/index.js';
import { ENGINE, ENGINE_RETRY_AFTER_MS, isEngineUnavailable, OutageNotice, type Engine, type RateLimiter } from '../engine/index.js';
import { GatewayLifecycle } from '../lifecycle/index.js';
import { OriginPolicy } from '../origins/index.js';
import type { Admission, AdmissionResult, Rejection } from './admission.types.js';
import { clientAddress } from '../http/index.js';
import { findCredential } from './credentials.js';
import { malformedUpgrade } from './upgrade-request.js';
import { ADMISSION_SETTINGS, type AdmissionSettings } from './admission-settings.js';

/** What a draining or starting node tells clients to wait before they retry. */
const UNAVAILABLE_RETRY_SECONDS = 5;

/** The close reason of a connection displaced by a newer one of its user (`evict-oldest`). */
const EVICTED_REASON = 'evicted by a newer connection';

const reject = (rejection: Rejection): AdmissionResult => ({ admitted: false, rejection });

/** A handshake the engine could not serve (rate, ticket, slot): nothing is wrong with it, retry soon. */
const ENGINE_UNAVAILABLE: Rejection = {
  status: 503,
  code: 'ENGINE_UNAVAILABLE',
  message: 'the gateway cannot reach its engine; retry later',
  retryAfterSeconds: Math.ceil(ENGINE_RETRY_AFTER_MS / 1000),
};

/**
 * Every check a handshake must pass before the upgrade, cheapest first (protocol §3).
 * A handshake that passes holds a connection slot until it is opened or abandoned.
 */
@Injectable()
export class AdmissionService {
  private readonly handshakeLimiter: RateLimiter;
  /** Handshakes admitted but not yet opened, so the global cap counts them. */
  private pending = 0;
  private readonly outage = new OutageNotice();

  constructor(
    @Inject(ADMISSION_SETTINGS.token) private readonly config: AdmissionSettings,
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly lifecycle: GatewayLifecycle,
    private readonly origins: OriginPolicy,
    private readonly tickets: TicketService,
    private readonly verifier: TokenVerifier,
    private readonly connections: ConnectionManager,
    @InjectPinoLogger('admission') private readonly log: PinoLogger,
  ) {
    const perSecond = config.handshakeRatePerIp;
    this.handshakeLimiter = engine.rateLimiter('handshake-ip', { capacity: perSecond, refill: perSecond, intervalMs: 1_000 });
  }

  /**
   * `target` is the request's parsed URL (see the edge's `requestTarget`). An engine that
   * does not answer refuses the handshake 503 `ENGINE_UNAVAILABLE` with `Retry-After`; one
   * warning per outage says so.
   */
  async admit(request: IncomingMessage, target: URL): Promise<AdmissionResult> {
    try {
      return await this.check(request, target);
    } catch (error) {
      if (!isEngineUnavailable(error)) throw error;
      if (this.outage.failed(this.clock.now())) {
        this.log.warn({ engine: error.engine, reason: error.reason }, 'engine does not answer: handshakes are refused 503 ENGINE_UNAVAILABLE');
      }
      return reject(ENGINE_UNAVAILABLE);
    }
  }

  /** The checks of protocol §3, cheapest first. */
  private async check(request: IncomingMessage, target: URL): Promise<AdmissionResult> {
    const malformed = malformedUpgrade(request);
    if (malformed) return reject({ status: 400, code: 'BAD_REQUEST', message: malformed });
    if (!this.lifecycle.accepting) {
      return reject({ status: 503, code: 'UNAVAILABLE', message: 'gateway is not accepting connections', retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS });
    }
    const origin = request.headers.origin;
    if (!this.origins.allows(origin)) {
      return reject({ status: 403, code: 'ORIGIN_NOT_ALLOWED', message: `origin ${origin} is not allowed` });
    }
    const rate = await this.handshakeLimiter.consume(clientAddress(request, this.config));
    if (!rate.allowed) {
      return reject({ status: 429, code: 'RATE_LIMITED', message: 'too many handshakes from this address', retryAfterSeconds: Math.ceil(rate.retryAfterMs / 1000) });
    }
    const identity = await this.authenticate(request, target);
    if ('status' in identity) return reject(identity);
    return this.takeSlot(identity);
  }

  /** Called once the admitted socket is open, or with `failed` when the upgrade did not finish. */
  settle(admission: Admission, failed: boolean): void {
    this.pending--;
    if (failed) void this.connections.releaseSlot(admission.identity.userId, admission.connectionId);
  }

  private async authenticate(request: IncomingMessage, target: URL): Promise<Identity | Rejection> {
    const credential = findCredential(request, target);
    const unauthorized = (message: string): Rejection => ({ status: 401, code: 'UNAUTHORIZED', message });
    try {
      switch (credential.kind) {
        case 'ticket':
          return (await this.tickets.redeem(credential.value)) ?? unauthorized('ticket is unknown, expired or already used');
        case 'header':
          return await this.verifier.verify(credential.value);
        case 'query':
          if (!this.config.authQueryToken) return unauthorized('access_token in the URL is disabled; use a ticket');
          return await this.verifier.verify(credential.value);
        case 'none':
          return unauthorized('credentials missing: pass ?ticket= or Authorization: Bearer <JWT>');
      }
    } catch (error) {
      if (error instanceof CredentialError) return unauthorized(`invalid token: ${error.message}`);
      throw error;
    }
  }

  private async takeSlot(identity: Identity): Promise<AdmissionResult> {
    const { maxConnectionsPerUser } = this.config.limits;
    const policy = this.config.connectionPolicy;
    const tooMany: Rejection = {
      status: 429,
      code: 'TOO_MANY_CONNECTIONS',
      message: `user already holds ${maxConnectionsPerUser} connections`,
    };
    if (policy === 'reject' && (await this.engine.connections.count(identity.userId)) >= maxConnectionsPerUser) {
      return reject(tooMany);
    }
    if (this.config.maxConnections > 0 && this.connections.size + this.pending >= this.config.maxConnections) {
      return reject({ status: 503, code: 'OVERLOADED', message: 'gateway is at its connection cap', retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS });
    }
    const connectionId = randomUUID();
    const slot = await this.engine.connections.acquire({
      userId: identity.userId,
      connectionId,
      max: maxConnectionsPerUser,
      policy,
      leaseMs: this.config.engine.slotLeaseMs,
    });
    if (!slot.admitted) return reject(tooMany);
    this.pending++;
    await this.evict(identity.userId, slot.evicted);
    return { admitted: true, admission: { connectionId, identity } };
  }

  /**
   * Closes 4008 the connections the new one displaced, on whichever node holds them. The
   * new connection holds its slot either way: a bus that failed is logged, not answered 500.
   */
  private async evict(userId: string, connectionIds: string[]): Promise<void> {
    try {
      await Promise.all(connectionIds.map((id) => this.engine.bus.closeConnection(id, CloseCode.EVICTED, EVICTED_REASON)));
    } catch (error) {
      this.log.error({ err: error, userId, connectionIds }, 'could not close the evicted connections');
    }
  }
}
