import { Global, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import { ENGINE, type Engine } from './engine.interfaces.js';
import { MemoryEngine } from './memory/index.js';

/** Provides the {@link Engine}: the embedded memory engine on a single node. */
@Global()
@Module({
  providers: [
    {
      provide: ENGINE,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig): Engine =>
        new MemoryEngine(
          { size: config.channels.historySize, ttlMs: config.channels.historyTtlMs, maxBytes: config.channels.historyMaxBytes },
          Date.now,
          config.channels.historyMaxTotalBytes,
        ),
    },
  ],
  exports: [ENGINE],
})
export class EngineModule implements OnApplicationShutdown {
  constructor(@Inject(ENGINE) private readonly engine: Engine) {}

  async onApplicationShutdown(): Promise<void> {
    await this.engine.close();
  }
}
