import { Module } from '@nestjs/common';
import { ChannelHub } from './channel-hub.service.js';
import { ChannelPermissions } from './channel-permissions.service.js';
import { ChannelPublisher } from './channel-publisher.service.js';
import { ChannelsGateway } from './channels.gateway.js';

@Module({
  providers: [ChannelsGateway, ChannelHub, ChannelPermissions, ChannelPublisher],
  exports: [ChannelHub, ChannelPublisher],
})
export class ChannelsModule {}
