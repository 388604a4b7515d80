import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/index.js';
import { provideSlice } from '../config/index.js';
import { EngineModule } from '../engine/index.js';
import { API_SETTINGS } from './api-settings.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ServerApiController } from './server-api.controller.js';

/** The server API (`/api/*`): publish, broadcast, disconnect and history for backends. */
@Module({
  imports: [ChannelsModule, EngineModule],
  controllers: [ServerApiController],
  providers: [provideSlice(API_SETTINGS), ApiKeyGuard],
})
export class ApiModule {}
