import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { ConnectionManager } from '../connections/index.js';
import { DrainService } from '../drain/index.js';
import { ENGINE, type Engine, type NodeCommandHandler } from '../engine/index.js';

/**
 * This node's end of the engine's node bus: carries out, on the connections held here,
 * the commands any node sends (evictions from admission, `/api/disconnect`, drain).
 */
@Injectable()
export class NodeCommandsService implements NodeCommandHandler, OnModuleInit, OnModuleDestroy {
  private stopServing?: () => Promise<void>;

  constructor(
    @Inject(ENGINE) private readonly engine: Engine,
    private readonly connections: ConnectionManager,
    private readonly drainer: DrainService,
    @InjectPinoLogger('node-commands') private readonly log: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.stopServing = await this.engine.bus.serve(this.engine.nodeId, this);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopServing?.();
  }

  closeConnection(connectionId: string, code: number, reason: string): boolean {
    const connection = this.connections.get(connectionId);
    if (connection?.state !== 'open') return false;
    connection.close(code, reason);
    return true;
  }

  closeUser(userId: string, code: number, reason: string): number {
    return this.connections.closeUser(userId, code, reason);
  }

  /** Begins the drain and answers at once: the bus waits for it to begin, not to finish. */
  async drain(): Promise<void> {
    this.log.info('drain requested on the node bus');
    this.drainer.drain().catch((error: unknown) => this.log.error({ err: error }, 'drain failed'));
  }
}
