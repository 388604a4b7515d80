import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/index.js';
import { ClockModule } from '../clock/index.js';
import { provideSlice } from '../config/index.js';
import { ConnectionsModule } from '../connections/index.js';
import { EngineModule } from '../engine/index.js';
import { FramesModule } from '../frames/index.js';
import { MetricsModule } from '../metrics/index.js';
import { SESSION_SETTINGS } from './session-settings.js';
import { FramePipeline } from './frame-pipeline.js';
import { SessionOpener } from './session-opener.service.js';

/** A connection's life after its upgrade: welcome, the frame pipeline, and the end. */
@Module({
  imports: [ChannelsModule, ClockModule, ConnectionsModule, EngineModule, FramesModule, MetricsModule],
  providers: [provideSlice(SESSION_SETTINGS), FramePipeline, SessionOpener],
  exports: [SessionOpener],
})
export class SessionModule {}
