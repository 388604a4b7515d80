import { randomInt } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { CloseCode } from '@switchboard/protocol';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { ConnectionManager } from '../connections/index.js';
import { GatewayLifecycle } from '../lifecycle/index.js';
import { DRAIN_SETTINGS, type DrainSettings } from './drain-settings.js';

/**
 * Graceful shutdown (SIGTERM/SIGINT, or a drain command on the node bus): stop admitting,
 * ask every client to come back after a random delay so they do not all return at once,
 * close them 1012, and wait for them to go, at most `DRAIN_TIMEOUT_MS`.
 */
@Injectable()
export class DrainService implements BeforeApplicationShutdown {
  private draining?: Promise<void>;

  constructor(
    @Inject(DRAIN_SETTINGS.token) private readonly config: DrainSettings,
    private readonly lifecycle: GatewayLifecycle,
    private readonly connections: ConnectionManager,
    @InjectPinoLogger('drain') private readonly log: PinoLogger,
  ) {}

  /** Nest's shutdown, on a signal or `app.close()`: the node drains before anything closes. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.log.info({ signal }, 'shutting down');
    await this.drain();
  }

  /** Drains the node once; a second call, from a signal or the bus, joins the first. */
  drain(): Promise<void> {
    this.draining ??= this.run();
    return this.draining;
  }

  private async run(): Promise<void> {
    this.lifecycle.dispatch('drain');
    const open = this.connections.all();
    this.log.info({ connections: open.length, timeoutMs: this.config.drainTimeoutMs }, 'draining');
    for (const connection of open) {
      connection.send({
        type: 'reconnect',
        payload: { afterMs: randomInt(0, this.config.drainSpreadMs + 1), reason: 'service restart' },
      });
      connection.close(CloseCode.SERVICE_RESTART, 'service restart');
    }
    const allClosed = await this.connections.whenEmpty(this.config.drainTimeoutMs);
    if (!allClosed) {
      this.log.warn({ connections: this.connections.size }, 'drain timed out; terminating the rest');
      for (const connection of this.connections.all()) connection.socket.terminate();
    }
    this.lifecycle.dispatch('drained');
    this.log.info('drained');
  }
}
