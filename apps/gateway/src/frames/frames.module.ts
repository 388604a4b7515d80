import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { BackendsModule } from '../backends/index.js';
import { ChannelsModule } from '../channels/index.js';
import { ClockModule } from '../clock/index.js';
import { provideSlice } from '../config/index.js';
import { ApplicationHandler } from './application.handler.js';
import { AuthHandler } from './auth.handler.js';
import { FRAME_SETTINGS } from './frames-settings.js';
import { FrameHandlers } from './frame-handlers.js';
import { PingHandler } from './ping.handler.js';
import { PublishHandler } from './publish.handler.js';
import { SubscribeHandler } from './subscribe.handler.js';
import { UnsubscribeHandler } from './unsubscribe.handler.js';

/** One handler per client frame type, and the table that picks it (protocol §5). */
@Module({
  imports: [AuthModule, BackendsModule, ChannelsModule, ClockModule],
  providers: [
    provideSlice(FRAME_SETTINGS),
    PingHandler,
    AuthHandler,
    SubscribeHandler,
    UnsubscribeHandler,
    PublishHandler,
    ApplicationHandler,
    FrameHandlers,
  ],
  exports: [FrameHandlers],
})
export class FramesModule {}
