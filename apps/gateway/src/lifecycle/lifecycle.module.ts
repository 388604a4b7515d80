import { Global, Module } from '@nestjs/common';
import { GatewayLifecycle } from './gateway-lifecycle.js';

@Global()
@Module({ providers: [GatewayLifecycle], exports: [GatewayLifecycle] })
export class LifecycleModule {}
