import { Module } from '@nestjs/common';
import { ChannelHub } from './channel-hub.service.js';
import { ChannelPermissions } from './channel-permissions.service.js';
import { ChannelPublisher } from './channel-publisher.service.js';

@Module({
  providers: [ChannelHub, ChannelPermissions, ChannelPublisher],
  exports: [ChannelHub, ChannelPermissions, ChannelPublisher],
})
export class ChannelsModule {}
