import { Module } from '@nestjs/common';
import { ClockModule } from '../clock/index.js';
import { provideSlice } from '../config/index.js';
import { EngineModule } from '../engine/index.js';
import { MetricsModule } from '../metrics/index.js';
import { CONNECTION_SETTINGS } from './connections-settings.js';
import { ConnectionManager } from './connection-manager.service.js';
import { SlotLeaseRenewer } from './slot-lease-renewer.service.js';

/** The connections open on this node, and the leases of their slots. */
@Module({
  imports: [ClockModule, EngineModule, MetricsModule],
  providers: [provideSlice(CONNECTION_SETTINGS), ConnectionManager, SlotLeaseRenewer],
  exports: [ConnectionManager],
})
export class ConnectionsModule {}
