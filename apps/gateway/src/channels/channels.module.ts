import { Module } from '@nestjs/common';
import { provideSlice } from '../config/index.js';
import { EngineModule } from '../engine/index.js';
import { MetricsModule } from '../metrics/index.js';
import { CHANNEL_SETTINGS } from './channels-settings.js';
import { ChannelHub } from './channel-hub.service.js';
import { ChannelPermissions } from './channel-permissions.service.js';
import { ChannelPublisher } from './channel-publisher.service.js';

/** Channels on this node: who may use which, publishing, and delivery to local members. */
@Module({
  imports: [EngineModule, MetricsModule],
  providers: [provideSlice(CHANNEL_SETTINGS), ChannelHub, ChannelPermissions, ChannelPublisher],
  exports: [ChannelHub, ChannelPermissions, ChannelPublisher],
})
export class ChannelsModule {}
