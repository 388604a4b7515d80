import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import { PROTOCOL_VERSION, SUBPROTOCOL, type DiscoveryDocument } from '@switchboard/protocol';
import type { Request } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import { publicUrls } from '../http/index.js';

/** `GET /ws/config`: what a client needs to connect (protocol §8). Public. */
@Controller('ws')
export class DiscoveryController {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @Get('config')
  @Header('Cache-Control', 'public, max-age=60')
  document(@Req() request: Request): DiscoveryDocument {
    const urls = publicUrls(this.config, request);
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
