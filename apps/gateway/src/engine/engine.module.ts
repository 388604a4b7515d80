import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { CLOCK, ClockModule, type Clock } from '../clock/index.js';
import { provideSlice } from '../config/index.js';
import { createEngine } from './create-engine.js';
import { ENGINE_SETTINGS, type EngineSettings } from './engine-settings.js';
import { ENGINE, type Engine } from './engine.js';

/**
 * Provides the {@link Engine} the configuration names (`ENGINE`), and closes it at shutdown.
 * A static module: every module that imports it shares the one engine.
 */
@Module({
  imports: [ClockModule],
  providers: [
    provideSlice(ENGINE_SETTINGS),
    {
      provide: ENGINE,
      inject: [ENGINE_SETTINGS.token, CLOCK, PinoLogger],
      useFactory: (config: EngineSettings, clock: Clock, log: PinoLogger): Promise<Engine> => {
        log.setContext('engine');
        return createEngine(config, clock, (error) => log.warn({ err: error }, 'engine connection failed; retrying'));
      },
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
