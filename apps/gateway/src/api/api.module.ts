import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/index.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ServerApiController } from './server-api.controller.js';

@Module({ imports: [ChannelsModule], controllers: [ServerApiController], providers: [ApiKeyGuard] })
export class ApiModule {}
