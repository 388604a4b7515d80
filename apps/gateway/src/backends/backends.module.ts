import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { getLoggerToken, type PinoLogger } from 'nestjs-pino';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import { MetricsService } from '../metrics/index.js';
import { BACKEND_BRIDGE, type BackendBridge } from './backend-bridge.js';
import { HttpBackendBridge } from './http-backend-bridge.js';
import { NoBackendBridge } from './no-backend-bridge.js';

/** Without `BACKEND_URL` no pool or breaker is built at all, hence a factory. */
function createBackendBridge(config: GatewayConfig, metrics: MetricsService, log: PinoLogger): BackendBridge {
  if (config.backend) return new HttpBackendBridge(config, metrics, log);
  log.info('no BACKEND_URL: application messages answer BACKEND_UNAVAILABLE');
  return new NoBackendBridge();
}

/**
 * Provides the {@link BackendBridge} under {@link BACKEND_BRIDGE}: HTTP to `BACKEND_URL`
 * when set, otherwise one that refuses application messages. Closes it on shutdown.
 */
@Global()
@Module({
  providers: [
    {
      provide: BACKEND_BRIDGE,
      inject: [GATEWAY_CONFIG, MetricsService, getLoggerToken('backend')],
      useFactory: createBackendBridge,
    },
  ],
  exports: [BACKEND_BRIDGE],
})
export class BackendsModule implements OnApplicationShutdown {
  constructor(@Inject(BACKEND_BRIDGE) private readonly bridge: BackendBridge) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bridge.close();
  }
}
