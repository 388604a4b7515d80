import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ENGINE, type Engine, type RateLimiter } from '../engine/index.js';
import type { Identity } from './identity.js';
import { ticketBucket, ticketRateLimited } from './ticket-rate.js';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';

/**
 * `TICKET_RATE_PER_USER` tickets a second for one user, wherever the requests come from.
 * Runs after `AuthGuard('jwt')`, which puts the verified {@link Identity} on the request.
 */
@Injectable()
export class TicketUserRateGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(@Inject(AUTH_SETTINGS.token) config: AuthSettings, @Inject(ENGINE) engine: Engine) {
    this.limiter = engine.rateLimiter('ticket-user', ticketBucket(config.ticketRate.perUser));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { user } = context.switchToHttp().getRequest<Request & { user: Identity }>();
    const decision = await this.limiter.consume(user.userId);
    if (decision.allowed) return true;
    throw ticketRateLimited(decision.retryAfterMs, 'too many tickets for this user');
  }
}
