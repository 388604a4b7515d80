import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { SchemaRegistry } from './application-messages/index.js';
import type { GatewayConfig } from './config/index.js';
import { HttpErrorFilter } from './http/index.js';
import { demoUrl, serveDemo } from './demo/index.js';
import { GatewayExpressAdapter, SwitchboardWsAdapter } from './edge/index.js';
import { ENGINE, type Engine } from './engine/index.js';
import { GatewayLifecycle } from './lifecycle/index.js';
import { OriginPolicy } from './origins/index.js';
import { devModeBanner } from './dev-mode-banner.js';

/**
 * Builds the Nest application for `config` and the loaded message `schemas` and listens.
 * SIGTERM and SIGINT run Nest's shutdown hooks, where the drain is (DrainService), and the
 * process exits 0 once they are done.
 */
export async function bootstrap(config: GatewayConfig, schemas: SchemaRegistry): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, schemas),
    new GatewayExpressAdapter(config.http),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  app.disable('x-powered-by');
  if (config.trustProxy) app.set('trust proxy', config.trustProxyHops);
  app.useGlobalFilters(new HttpErrorFilter());
  const origins = app.get(OriginPolicy);
  // Retry-After is not a CORS-safelisted header: exposed, so a browser client honours a 429.
  app.enableCors({ origin: (origin, allow) => allow(null, origins.allows(origin)), maxAge: 600, exposedHeaders: ['Retry-After'] });
  app.useWebSocketAdapter(new SwitchboardWsAdapter(app, config.limits.maxMessageBytes));
  const log = await app.resolve(PinoLogger);
  log.setContext('main');
  const demoServed = serveDemo(app, config, log);

  await (config.host === undefined ? app.listen(config.port) : app.listen(config.port, config.host));
  app.get(GatewayLifecycle).dispatch('listening');
  const { port } = app.getHttpServer().address() as AddressInfo;
  log.info({ port, engine: app.get<Engine>(ENGINE).name, jwt: config.jwt.mode }, 'gateway listening');
  if (config.jwt.mode === 'development') {
    log.warn('DEVELOPMENT MODE: no JWT_SECRET or JWT_JWKS_URL set; tokens come from POST /dev/token');
    if (demoServed) log.info({ url: demoUrl(port), dir: config.demoDir }, 'demo served');
    process.stderr.write(devModeBanner(port, { demoServed }));
  }
}

