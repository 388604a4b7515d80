import { ConfigError, loadConfig, type GatewayConfig } from './config/index.js';

// Configuration is checked before NestJS is even loaded, so a bad variable fails at once.
let config: GatewayConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`switchboard gateway: ${error.message}\nSee docs/configuration.md.\n`);
  process.exit(1);
}
const { bootstrap } = await import('./bootstrap.js');
bootstrap(config).catch((error: unknown) => {
  process.stderr.write(`switchboard gateway failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
