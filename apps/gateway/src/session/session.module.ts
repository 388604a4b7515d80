import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/index.js';
import { ClockModule } from '../clock/index.js';
import { FramesModule } from '../frames/index.js';
import { FramePipeline } from './frame-pipeline.js';
import { SessionOpener } from './session-opener.service.js';

/** A connection's life after its upgrade: welcome, the frame pipeline, and the end. */
@Module({
  imports: [ChannelsModule, ClockModule, FramesModule],
  providers: [FramePipeline, SessionOpener],
  exports: [SessionOpener],
})
export class SessionModule {}
