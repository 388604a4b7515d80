import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CloseCode, type Json } from '@switchboard/protocol';
import { apiPublishKey, ChannelPublisher } from '../channels/index.js';
import { ENGINE, type Engine } from '../engine/index.js';
import { ApiKeyGuard } from './api-key.guard.js';
import {
  broadcastBody,
  channelName,
  checkPayloadDepth,
  disconnectBody,
  historyQuery,
  parseOr400,
  publishBody,
} from './api-bodies.js';
import { API_SETTINGS, type ApiSettings } from './api-settings.js';

/** The server API: how backends in any language reach channels and users. */
@Controller('api')
@UseGuards(ApiKeyGuard)
export class ServerApiController {
  constructor(
    @Inject(API_SETTINGS.token) private readonly config: ApiSettings,
    private readonly publisher: ChannelPublisher,
    @Inject(ENGINE) private readonly engine: Engine,
  ) {}

  /** `POST /api/publish {channel, payload, idempotencyKey?}` → `{offset, epoch}`. */
  @Post('publish')
  @HttpCode(200)
  async publish(@Body() body: unknown): Promise<{ offset: number; epoch: string }> {
    const { channel, payload, idempotencyKey } = parseOr400(publishBody, body);
    checkPayloadDepth(payload, this.config.maxJsonDepth);
    const result = await this.publisher.publish(channel, payload, { idempotencyKey: apiPublishKey(idempotencyKey), source: 'api' });
    return { offset: result.offset, epoch: result.epoch };
  }

  /** `POST /api/broadcast {channels, payload}` → the position of each publication. */
  @Post('broadcast')
  @HttpCode(200)
  async broadcast(@Body() body: unknown): Promise<{ results: Array<{ channel: string; offset: number; epoch: string }> }> {
    const { channels, payload, idempotencyKey } = parseOr400(broadcastBody, body);
    checkPayloadDepth(payload as Json, this.config.maxJsonDepth);
    const results = await Promise.all(
      [...new Set(channels)].map(async (channel) => {
        const result = await this.publisher.publish(channel, payload as Json, { idempotencyKey: apiPublishKey(idempotencyKey), source: 'api' });
        return { channel, offset: result.offset, epoch: result.epoch };
      }),
    );
    return { results };
  }

  /**
   * `POST /api/disconnect {userId, code?}`: closes the user's connections on every node;
   * 4003 (the default) tells the SDK not to come back.
   */
  @Post('disconnect')
  @HttpCode(200)
  async disconnect(@Body() body: unknown): Promise<{ disconnected: number }> {
    const { userId, code } = parseOr400(disconnectBody, body);
    const reason = code === CloseCode.FORBIDDEN ? 'user disabled' : 'disconnected by the server';
    return { disconnected: await this.engine.bus.closeUser(userId, code, reason) };
  }

  /** `GET /api/channels/:name/history?since=&epoch=`: what history holds after `since`. */
  @Get('channels/:name/history')
  async history(@Param('name') name: string, @Query() query: unknown) {
    const channel = parseOr400(channelName, name, 'name');
    const { since, epoch } = parseOr400(historyQuery, query, 'query');
    const current = await this.engine.broker.history(channel);
    const result = await this.engine.broker.history(channel, { epoch: epoch ?? current.epoch, offset: since ?? 0 });
    return {
      channel,
      epoch: result.epoch,
      offset: result.offset,
      complete: result.recovered,
      publications: result.publications.map(({ offset, payloadJson, ts }) => ({ offset, payload: JSON.parse(payloadJson) as Json, ts })),
    };
  }
}
