import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock/index.js';
import { ENGINE, type Engine } from '../engine/index.js';
import type { Identity } from './identity.js';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';

/** 256 random bits, well above the protocol's 128. */
const TICKET_BYTES = 32;

/** Tickets let browsers connect without putting a JWT in a URL (protocol §2–3). */
@Injectable()
export class TicketService {
  constructor(
    @Inject(AUTH_SETTINGS.token) private readonly config: AuthSettings,
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Issues a single-use ticket for `identity`, valid for the TTL or until the JWT expires. */
  async issue(identity: Identity): Promise<{ ticket: string; expiresAt: number }> {
    const ticket = randomBytes(TICKET_BYTES).toString('base64url');
    const now = this.clock.now();
    const ttlMs = Math.min(this.config.ticketTtlMs, identity.expiresAt - now);
    await this.engine.tickets.put(
      ticket,
      { userId: identity.userId, claims: identity.claims, credentialExpiresAt: identity.expiresAt },
      ttlMs,
    );
    return { ticket, expiresAt: now + ttlMs };
  }

  /** Spends a ticket; null when it is unknown, expired or already used. */
  async redeem(ticket: string): Promise<Identity | null> {
    const grant = await this.engine.tickets.take(ticket);
    if (!grant || grant.credentialExpiresAt <= this.clock.now()) return null;
    return { userId: grant.userId, claims: grant.claims, expiresAt: grant.credentialExpiresAt };
  }
}
