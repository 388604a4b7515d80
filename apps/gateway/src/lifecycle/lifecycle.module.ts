import { Module } from '@nestjs/common';
import { GatewayLifecycle } from './gateway-lifecycle.js';

/** The node's lifecycle state, read by admission, health and drain. */
@Module({ providers: [GatewayLifecycle], exports: [GatewayLifecycle] })
export class LifecycleModule {}
