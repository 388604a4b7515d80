import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { CLOCK, type Clock, type ClockTimer } from '../clock/index.js';
import { ENGINE, isEngineUnavailable, type Engine } from '../engine/index.js';
import { ConnectionManager } from './connection-manager.service.js';
import { CONNECTION_SETTINGS, type ConnectionsSettings } from './connections-settings.js';

/** Renewals per lease: two can be missed before a live node's slot expires. */
const RENEWALS_PER_LEASE = 3;

/**
 * Keeps the engine's slot of every connection on this node alive, renewing all leases
 * every third of `SLOT_LEASE_MS`. A node that dies stops renewing, so its slots expire
 * and its users can connect elsewhere without waiting for a release that never comes.
 */
@Injectable()
export class SlotLeaseRenewer implements OnModuleInit, OnModuleDestroy {
  private timer?: ClockTimer;
  private renewing = false;
  private readonly leaseMs: number;

  constructor(
    @Inject(CONNECTION_SETTINGS.token) config: ConnectionsSettings,
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly connections: ConnectionManager,
    @InjectPinoLogger('connections') private readonly log: PinoLogger,
  ) {
    this.leaseMs = config.engine.slotLeaseMs;
  }

  onModuleInit(): void {
    this.timer = this.clock.setInterval(() => void this.renew(), Math.floor(this.leaseMs / RENEWALS_PER_LEASE)).unref();
  }

  onModuleDestroy(): void {
    this.clock.clearInterval(this.timer);
  }

  /**
   * Renews the lease of every connection this node holds. Never rejects: it runs from a
   * timer; an engine that failed is logged and the next round tries again. A round still
   * waiting for the engine makes the next one skip, so rounds never pile up.
   */
  async renew(): Promise<void> {
    if (this.renewing) return;
    const slots = this.connections.all().map((connection) => ({ userId: connection.userId, connectionId: connection.id }));
    if (slots.length === 0) return;
    this.renewing = true;
    try {
      const lapsed = await this.engine.connections.renew(slots, this.leaseMs);
      if (lapsed.length > 0) this.log.warn({ connections: lapsed.length }, 'connection slots had expired before their renewal');
    } catch (error) {
      // An engine that does not answer is an outage, not a bug: its reason, without a stack each round.
      if (isEngineUnavailable(error)) this.log.warn({ reason: error.reason, connections: slots.length }, 'could not renew connection slots: engine does not answer');
      else this.log.error({ err: error, connections: slots.length }, 'could not renew connection slots');
    } finally {
      this.renewing = false;
    }
  }
}
