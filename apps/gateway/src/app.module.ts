import { Module, type DynamicModule } from '@nestjs/common';
import { ApiModule } from './api/index.js';
import { ApplicationMessagesModule, type SchemaRegistry } from './application-messages/index.js';
import { DevTokenModule } from './auth/index.js';
import { ConfigModule, type GatewayConfig } from './config/index.js';
import { DiscoveryModule } from './discovery/index.js';
import { EdgeModule } from './edge/index.js';
import { HealthModule } from './health/index.js';
import { LoggingModule } from './logging/index.js';
import { MetricsModule } from './metrics/index.js';
import { NodeCommandsModule } from './node-commands/index.js';

/**
 * The whole gateway, built from a validated configuration and the loaded message schemas.
 * It names the entry points only (the edge, the HTTP routes, the node bus); each module
 * imports what it uses, so the rest of the graph follows from them.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, schemas: SchemaRegistry): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        ApplicationMessagesModule.forRoot(schemas),
        EdgeModule,
        ApiModule,
        DiscoveryModule,
        HealthModule,
        MetricsModule,
        NodeCommandsModule,
        ...(config.jwt.mode === 'development' ? [DevTokenModule] : []),
      ],
    };
  }
}
