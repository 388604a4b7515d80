import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ApiModule } from './api/index.js';
import { ApplicationMessagesModule, type SchemaRegistry } from './application-messages/index.js';
import { AuthModule } from './auth/index.js';
import { BackendsModule } from './backends/index.js';
import { ChannelsModule } from './channels/index.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/index.js';
import { ConnectionsModule } from './connections/index.js';
import { DiscoveryModule } from './discovery/index.js';
import { DrainModule } from './drain/index.js';
import { EdgeModule } from './edge/index.js';
import { EngineModule } from './engine/index.js';
import { HealthModule } from './health/index.js';
import { LifecycleModule } from './lifecycle/index.js';
import { LoggingModule } from './logging/index.js';
import { MetricsModule } from './metrics/index.js';
import { NodeCommandsModule } from './node-commands/index.js';
import { OriginsModule } from './origins/index.js';

/** The whole gateway, built from a validated configuration and the loaded message schemas. */
@Global()
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, schemas: SchemaRegistry): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(config),
        EngineModule,
        MetricsModule,
        LifecycleModule,
        OriginsModule,
        AuthModule.forRoot({ development: config.jwt.mode === 'development' }),
        ConnectionsModule,
        ApplicationMessagesModule.forRoot(schemas),
        BackendsModule,
        ChannelsModule,
        EdgeModule,
        ApiModule,
        DiscoveryModule,
        HealthModule,
        DrainModule,
        NodeCommandsModule,
      ],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
