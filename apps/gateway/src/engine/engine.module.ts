import { Global, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { ENGINE, type Engine } from './engine.interfaces.js';
import { MemoryEngine } from './memory/index.js';

/** Provides the {@link Engine}: the embedded memory engine on a single node. */
@Global()
@Module({
  providers: [{ provide: ENGINE, useFactory: (): Engine => new MemoryEngine() }],
  exports: [ENGINE],
})
export class EngineModule implements OnApplicationShutdown {
  constructor(@Inject(ENGINE) private readonly engine: Engine) {}

  async onApplicationShutdown(): Promise<void> {
    await this.engine.close();
  }
}
