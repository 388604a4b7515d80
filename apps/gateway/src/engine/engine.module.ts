import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { CLOCK, ClockModule, type Clock } from '../clock/index.js';
import { provideSlice } from '../config/index.js';
import { createEngine } from './create-engine.js';
import { ENGINE_SETTINGS, type EngineSettings } from './engine-settings.js';
import { isEngineUnavailable } from './engine-unavailable.js';
import { ENGINE, type Engine } from './engine.js';
import { OutageNotice } from './outage-notice.js';

/**
 * What the engine reports of its background work (a lost connection, a heartbeat or gap fill
 * that failed). While Redis is away that is every tick and every reconnect attempt: the first
 * of an outage is a warning, the rest debug; only an error that is no outage carries a stack.
 */
function backgroundErrorLog(log: PinoLogger, clock: Clock): (error: unknown) => void {
  const outage = new OutageNotice();
  return (error) => {
    if (!isEngineUnavailable(error) && !isConnectionError(error)) {
      log.warn({ err: error }, 'engine background work failed');
      return;
    }
    const reason = isEngineUnavailable(error) ? error.reason : (error as Error).message;
    if (outage.failed(clock.now())) log.warn({ reason }, 'engine connection failed; retrying');
    else log.debug({ reason }, 'engine connection failed; retrying');
  };
}

/** An error ioredis emits for its connection (refused, reset, timed out); it reconnects by itself. */
function isConnectionError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

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
        return createEngine(config, clock, backgroundErrorLog(log, clock));
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
