import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ENGINE, type Engine, type RateLimiter } from '../engine/index.js';
import { clientAddress } from '../http/index.js';
import { ticketBucket, ticketRateLimited } from './ticket-rate.js';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';

/**
 * `TICKET_RATE_PER_IP` ticket requests a second from one client IP. Runs before the JWT
 * is verified, so a flood of forged or random tokens cannot spend verification CPU (or
 * JWKS fetches) faster than that.
 */
@Injectable()
export class TicketIpRateGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    @Inject(AUTH_SETTINGS.token) private readonly config: AuthSettings,
    @Inject(ENGINE) engine: Engine,
  ) {
    this.limiter = engine.rateLimiter('ticket-ip', ticketBucket(config.ticketRate.perIp));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const decision = await this.limiter.consume(clientAddress(request, this.config));
    if (decision.allowed) return true;
    throw ticketRateLimited(decision.retryAfterMs, 'too many ticket requests from this address');
  }
}
