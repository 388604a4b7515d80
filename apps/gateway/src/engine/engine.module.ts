import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, ClockModule, type Clock } from '../clock/index.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import { createEngine } from './create-engine.js';
import { ENGINE, type Engine } from './engine.js';

/** Provides the {@link Engine} the configuration names (`ENGINE`), and closes it at shutdown. */
@Global()
@Module({
  imports: [ClockModule],
  providers: [
    {
      provide: ENGINE,
      inject: [GATEWAY_CONFIG, CLOCK],
      useFactory: (config: GatewayConfig, clock: Clock): Engine => createEngine(config, clock),
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
