import type { SchemaRegistry } from './application-messages/index.js';
import { ConfigError, loadConfig, type GatewayConfig } from './config/index.js';

// Configuration and message schemas are checked before NestJS is even loaded, so a bad
// variable or schema file fails at once with a plain message.
let config: GatewayConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`switchboard gateway: ${error.message}\nSee docs/configuration.md.\n`);
  process.exit(1);
}
const { JsonSchemaRegistry, SchemaError } = await import('./application-messages/index.js');
let schemas: SchemaRegistry;
try {
  schemas = JsonSchemaRegistry.load(config.schemasDir);
} catch (error) {
  if (!(error instanceof SchemaError)) throw error;
  process.stderr.write(`switchboard gateway: ${error.message}\n`);
  process.exit(1);
}
const { bootstrap } = await import('./bootstrap.js');
bootstrap(config, schemas).catch((error: unknown) => {
  process.stderr.write(`switchboard gateway failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
