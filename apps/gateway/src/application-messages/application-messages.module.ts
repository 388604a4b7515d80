import { Module, type DynamicModule } from '@nestjs/common';
import { SCHEMA_REGISTRY, type SchemaRegistry } from './schema-registry.js';

/**
 * Provides the {@link SchemaRegistry} of application messages. main.ts loads it from
 * `MESSAGE_SCHEMAS_DIR` before Nest starts, so a bad schema stops the start with a plain
 * message naming the file, as a bad variable does.
 */
@Module({})
export class ApplicationMessagesModule {
  static forRoot(registry: SchemaRegistry): DynamicModule {
    return {
      module: ApplicationMessagesModule,
      global: true,
      providers: [{ provide: SCHEMA_REGISTRY, useValue: registry }],
      exports: [SCHEMA_REGISTRY],
    };
  }
}
