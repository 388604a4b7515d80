import { Module } from '@nestjs/common';
import { provideSlice } from '../config/index.js';
import { ConnectionsModule } from '../connections/index.js';
import { LifecycleModule } from '../lifecycle/index.js';
import { DRAIN_SETTINGS } from './drain-settings.js';
import { DrainService } from './drain.service.js';

/** Graceful shutdown: the drain that Nest's shutdown hooks run on SIGTERM and SIGINT. */
@Module({
  imports: [ConnectionsModule, LifecycleModule],
  providers: [provideSlice(DRAIN_SETTINGS), DrainService],
  exports: [DrainService],
})
export class DrainModule {}
