import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { PROTOCOL_VERSION, SUBPROTOCOL, type DiscoveryDocument } from '@switchboard/protocol';
import type { Request, Response } from 'express';
import { publicUrls } from '../http/index.js';
import { DISCOVERY_SETTINGS, type DiscoverySettings } from './discovery-settings.js';

/** `GET /ws/config`: what a client needs to connect (protocol §8). Public. */
@Controller('ws')
export class DiscoveryController {
  constructor(@Inject(DISCOVERY_SETTINGS.token) private readonly config: DiscoverySettings) {}

  @Get('config')
  document(@Req() request: Request, @Res({ passthrough: true }) response: Response): DiscoveryDocument {
    const urls = publicUrls(this.config, request);
    // URLs built from the request's own headers would poison a shared cache: whoever sent a
    // forged Host or X-Forwarded-Host would choose where everyone else posts their JWT. Only
    // the asking browser may keep those.
    response.setHeader('Cache-Control', `${urls.fromRequest ? 'private' : 'public'}, max-age=60`);
    return {
      protocol: PROTOCOL_VERSION,
      websocket: { url: urls.ws, subprotocol: SUBPROTOCOL },
      auth: {
        ticketUrl: `${urls.http}/ws/ticket`,
        methods: this.config.authQueryToken ? ['ticket', 'header', 'query'] : ['ticket', 'header'],
      },
      limits: this.config.limits,
      features: { channels: true, history: this.config.channels.historySize > 0, recovery: this.config.channels.historySize > 0 },
    };
  }
}
