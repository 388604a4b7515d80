import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/index.js';
import { ApplicationMessagesHandler } from './application-messages.handler.js';
import { InboundFrames } from './inbound-frames.service.js';
import { MessagingGateway } from './messaging.gateway.js';
import { UpgradeHandler } from './upgrade-handler.service.js';
import { WsErrorFilter } from './ws-error.filter.js';

@Module({
  imports: [AdmissionModule],
  providers: [MessagingGateway, InboundFrames, UpgradeHandler, WsErrorFilter, ApplicationMessagesHandler],
  exports: [InboundFrames, UpgradeHandler],
})
export class MessagingModule {}
