import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { TicketResponse } from '@switchboard/protocol';
import type { Request } from 'express';
import { OriginGuard } from '../origins/index.js';
import { publicUrls } from '../http/index.js';
import type { Identity } from './identity.js';
import { TicketIpRateGuard } from './ticket-ip-rate.guard.js';
import { TicketService } from './ticket.service.js';
import { TicketUserRateGuard } from './ticket-user-rate.guard.js';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';

/** `POST /ws/ticket`: trades a JWT for a single-use ticket a browser can put in the URL. */
@Controller('ws')
export class TicketController {
  constructor(
    @Inject(AUTH_SETTINGS.token) private readonly config: AuthSettings,
    private readonly tickets: TicketService,
  ) {}

  @Post('ticket')
  @HttpCode(201)
  // In this order: the IP budget is spent before a token is verified, the user's after.
  @UseGuards(OriginGuard, TicketIpRateGuard, AuthGuard('jwt'), TicketUserRateGuard)
  async issue(@Req() request: Request & { user: Identity }): Promise<TicketResponse> {
    const { ticket, expiresAt } = await this.tickets.issue(request.user);
    const url = `${publicUrls(this.config, request).ws}?ticket=${encodeURIComponent(ticket)}`;
    return { ticket, expiresAt, url };
  }
}
