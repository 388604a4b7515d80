import { Global, Module } from '@nestjs/common';
import { ConnectionManager } from './connection-manager.service.js';

@Global()
@Module({ providers: [ConnectionManager], exports: [ConnectionManager] })
export class ConnectionsModule {}
