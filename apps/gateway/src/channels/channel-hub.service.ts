import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import type { Connection } from '../connections/index.js';
import { ENGINE, type Engine, type Publication, type StreamPosition } from '../engine/index.js';
import { FrameError } from '../messaging/index.js';
import { MetricsService } from '../metrics/index.js';
import { messageText, subscribeAckText } from './publication-frames.js';

/** A member either buffers publications while its subscribe is answered, or receives them live. */
type Member = { buffer: Publication[] } | { buffer: null };

interface ChannelEntry {
  members: Map<Connection, Member>;
  /** Resolves once this node listens to the channel; the stop function ends that. */
  listening: Promise<() => Promise<void>>;
}

/**
 * This node's channel subscriptions: one broker listener per channel, however many
 * local subscribers it has, and each publication serialized once for all of them.
 */
@Injectable()
export class ChannelHub {
  private readonly channels = new Map<string, ChannelEntry>();
  private readonly memberships = new Map<Connection, Set<string>>();
  private subscriptionCount = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ENGINE) private readonly engine: Engine,
    private readonly metrics: MetricsService,
    @InjectPinoLogger('channels') private readonly log: PinoLogger,
  ) {}

  /**
   * Subscribes `connection` and sends its ack, then anything published meanwhile, so no
   * publication falls between the history read and live delivery, and none comes twice.
   * @throws {FrameError} `TOO_MANY_SUBSCRIPTIONS` past the per-connection cap.
   */
  async subscribe(connection: Connection, channel: string, id: string, since?: StreamPosition): Promise<void> {
    const held = this.memberships.get(connection);
    const max = this.config.channels.maxSubscriptionsPerConnection;
    if (held && held.size >= max && !held.has(channel)) {
      throw new FrameError('TOO_MANY_SUBSCRIPTIONS', `a connection may hold ${max} subscriptions; unsubscribe from one first`);
    }
    const entry = this.entry(channel);
    const member: Member = { buffer: [] };
    if (!entry.members.has(connection)) this.subscriptionCount++;
    entry.members.set(connection, member);
    this.track(connection).add(channel);
    this.updateGauges();
    let history;
    try {
      await entry.listening;
      history = await this.engine.broker.history(channel, since);
    } catch (error) {
      this.unsubscribe(connection, channel);
      throw error;
    }
    if (since) this.metrics.recoveries.inc({ outcome: history.recovered ? 'recovered' : 'not_recovered' });
    connection.sendText(subscribeAckText(id, channel, history, Date.now()), 'ack');
    // Unsubscribed, or subscribed again, while the history was read: that call owns delivery now.
    if (entry.members.get(connection) !== member) return;
    const buffered = member.buffer ?? [];
    entry.members.set(connection, { buffer: null });
    for (const publication of buffered) {
      if (publication.epoch !== history.epoch || publication.offset > history.offset) {
        connection.sendText(messageText(publication), 'message');
      }
    }
  }

  /** Ends one subscription; the node stops listening to a channel nobody here follows. */
  unsubscribe(connection: Connection, channel: string): void {
    const entry = this.channels.get(channel);
    if (!entry?.members.delete(connection)) return;
    this.subscriptionCount--;
    this.memberships.get(connection)?.delete(channel);
    if (entry.members.size === 0) {
      this.channels.delete(channel);
      entry.listening.then((stop) => stop()).catch((error: unknown) => this.log.error({ err: error, channel }, 'unlisten failed'));
    }
    this.updateGauges();
  }

  /** Ends every subscription of a connection that is going away. */
  unsubscribeAll(connection: Connection): void {
    for (const channel of this.memberships.get(connection) ?? []) this.unsubscribe(connection, channel);
    this.memberships.delete(connection);
  }

  /** Channels and subscriptions held on this node; lets tests check that nothing leaks. */
  get stats(): { channels: number; subscriptions: number; connections: number } {
    return { channels: this.channels.size, subscriptions: this.subscriptionCount, connections: this.memberships.size };
  }

  private entry(channel: string): ChannelEntry {
    let entry = this.channels.get(channel);
    if (!entry) {
      const members = new Map<Connection, Member>();
      entry = { members, listening: this.engine.broker.listen(channel, (publication) => this.deliver(members, publication)) };
      this.channels.set(channel, entry);
    }
    return entry;
  }

  private deliver(members: Map<Connection, Member>, publication: Publication): void {
    let text: string | undefined;
    for (const [connection, member] of members) {
      if (member.buffer) {
        member.buffer.push(publication);
        continue;
      }
      text ??= messageText(publication);
      connection.sendText(text, 'message');
    }
  }

  private track(connection: Connection): Set<string> {
    let channels = this.memberships.get(connection);
    if (!channels) {
      channels = new Set();
      this.memberships.set(connection, channels);
    }
    return channels;
  }

  private updateGauges(): void {
    this.metrics.channels.set(this.channels.size);
    this.metrics.subscriptions.set(this.subscriptionCount);
  }
}
