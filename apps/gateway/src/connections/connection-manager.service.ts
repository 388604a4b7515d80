import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CloseCode } from '@switchboard/protocol';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WebSocket } from 'ws';
import type { Identity } from '../auth/index.js';
import { CLOCK, type Clock, type ClockTimer } from '../clock/index.js';
import { ENGINE, isEngineUnavailable, type Engine } from '../engine/index.js';
import { closeCodeLabel, MetricsService } from '../metrics/index.js';
import { Connection } from './connection.js';
import { CONNECTION_SETTINGS, type ConnectionsSettings } from './connections-settings.js';

/**
 * The connections open on this node: registers and releases them, runs the heartbeat,
 * and closes them for expiry, eviction and drain.
 */
@Injectable()
export class ConnectionManager implements OnModuleDestroy {
  private readonly byId = new Map<string, Connection>();
  private readonly emptyWaiters = new Set<() => void>();
  private readonly heartbeat: ClockTimer;

  constructor(
    @Inject(CONNECTION_SETTINGS.token) private readonly config: ConnectionsSettings,
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @InjectPinoLogger('connections') private readonly log: PinoLogger,
  ) {
    this.heartbeat = clock.setInterval(() => this.beat(), config.limits.heartbeatMs);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Registers an upgraded socket; its slot in the engine was taken at admission. */
  open(socket: WebSocket, connectionId: string, identity: Identity): Connection {
    const connection = new Connection(connectionId, socket, identity, {
      clock: this.clock,
      maxBufferedBytes: this.config.maxBufferedBytes,
      onFrameSent: (type) => this.metrics.framesOut.inc({ type }),
      onCredentialExpired: (expired) => {
        this.log.info({ connectionId: expired.id, userId: expired.userId }, 'credential expired');
        expired.close(CloseCode.CREDENTIAL_EXPIRED, 'credential expired');
      },
      onBackpressure: (slow) => {
        this.log.warn(
          { connectionId: slow.id, userId: slow.userId, bufferedBytes: slow.socket.bufferedAmount },
          'closing for backpressure',
        );
      },
    });
    socket.on('pong', () => {
      connection.alive = true;
    });
    this.byId.set(connectionId, connection);
    this.metrics.activeConnections.set(this.byId.size);
    this.log.info({ connectionId, userId: identity.userId }, 'connection opened');
    return connection;
  }

  /** Forgets a connection whose socket closed with `code`, and frees its slot. */
  async closed(connection: Connection, code: number): Promise<void> {
    if (connection.state === 'closed') return;
    connection.markClosed();
    this.byId.delete(connection.id);
    this.metrics.activeConnections.set(this.byId.size);
    this.metrics.disconnections.inc({ code: closeCodeLabel(code) });
    this.log.info({ connectionId: connection.id, userId: connection.userId, code }, 'connection closed');
    if (this.byId.size === 0) for (const wake of this.emptyWaiters) wake();
    await this.releaseSlot(connection.userId, connection.id);
  }

  /**
   * Frees a slot in the engine. Never rejects: it runs from close listeners, where a
   * rejection would go unhandled and end the process; an engine that failed is logged
   * (without a stack when it did not answer: the slot's lease ends it anyway).
   */
  async releaseSlot(userId: string, connectionId: string): Promise<void> {
    try {
      await this.engine.connections.release(userId, connectionId);
    } catch (error) {
      if (isEngineUnavailable(error)) this.log.warn({ reason: error.reason, connectionId, userId }, 'could not free the connection slot: engine does not answer');
      else this.log.error({ err: error, connectionId, userId }, 'could not free the connection slot');
    }
  }

  /** Closes every connection of `userId` on this node; resolves with how many there were. */
  closeUser(userId: string, code: number, reason: string): number {
    let closed = 0;
    for (const connection of this.byId.values()) {
      if (connection.userId !== userId || connection.state !== 'open') continue;
      connection.close(code, reason);
      closed++;
    }
    return closed;
  }

  /** The connection `connectionId` when it is open on this node. */
  get(connectionId: string): Connection | undefined {
    return this.byId.get(connectionId);
  }

  all(): Connection[] {
    return [...this.byId.values()];
  }

  /** Resolves once no connection is open, or after `timeoutMs`; true when all closed. */
  whenEmpty(timeoutMs: number): Promise<boolean> {
    if (this.byId.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (empty: boolean) => {
        this.clock.clearTimeout(timer);
        this.emptyWaiters.delete(wake);
        resolve(empty);
      };
      const wake = () => done(true);
      const timer = this.clock.setTimeout(() => done(false), timeoutMs);
      this.emptyWaiters.add(wake);
    });
  }

  onModuleDestroy(): void {
    this.clock.clearInterval(this.heartbeat);
  }

  /**
   * Terminates connections that did not answer the last ping, then pings the rest. A
   * connection stuck in its closing handshake is not pinged and goes at the next beat.
   */
  private beat(): void {
    for (const connection of this.byId.values()) {
      if (!connection.alive) {
        this.log.info({ connectionId: connection.id, userId: connection.userId }, 'heartbeat missed; terminating');
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      if (connection.state === 'open') connection.socket.ping();
    }
  }
}
