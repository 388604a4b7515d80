import { Global, Module } from '@nestjs/common';
import { ClockModule } from '../clock/index.js';
import { ConnectionManager } from './connection-manager.service.js';

@Global()
@Module({ imports: [ClockModule], providers: [ConnectionManager], exports: [ConnectionManager] })
export class ConnectionsModule {}
