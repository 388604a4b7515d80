import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { getLoggerToken, type PinoLogger } from 'nestjs-pino';
import { CLOCK, ClockModule, type Clock } from '../clock/index.js';
import { provideSlice } from '../config/index.js';
import { MetricsModule, MetricsService } from '../metrics/index.js';
import { BACKEND_BRIDGE, type BackendBridge } from './backend-bridge.js';
import { BACKEND_SETTINGS, type BackendsSettings } from './backends-settings.js';
import { HttpBackendBridge } from './http-backend-bridge.js';
import { NoBackendBridge } from './no-backend-bridge.js';

/** Without `BACKEND_URL` no pool or breaker is built at all, hence a factory. */
function createBackendBridge(config: BackendsSettings, metrics: MetricsService, clock: Clock, log: PinoLogger): BackendBridge {
  if (config.backend) return new HttpBackendBridge(config, metrics, clock, log);
  log.info('no BACKEND_URL: application messages answer BACKEND_UNAVAILABLE');
  return new NoBackendBridge();
}

/**
 * Provides the {@link BackendBridge} under {@link BACKEND_BRIDGE}: HTTP to `BACKEND_URL`
 * when set, otherwise one that refuses application messages. Closes it on shutdown.
 */
@Module({
  imports: [ClockModule, MetricsModule],
  providers: [
    provideSlice(BACKEND_SETTINGS),
    {
      provide: BACKEND_BRIDGE,
      inject: [BACKEND_SETTINGS.token, MetricsService, CLOCK, getLoggerToken('backend')],
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
