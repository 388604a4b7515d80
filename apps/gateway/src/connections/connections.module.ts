import { Global, Module } from '@nestjs/common';
import { ClockModule } from '../clock/index.js';
import { ConnectionManager } from './connection-manager.service.js';
import { SlotLeaseRenewer } from './slot-lease-renewer.service.js';

@Global()
@Module({ imports: [ClockModule], providers: [ConnectionManager, SlotLeaseRenewer], exports: [ConnectionManager] })
export class ConnectionsModule {}
