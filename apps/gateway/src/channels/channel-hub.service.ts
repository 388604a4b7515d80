import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Connection } from '../connections/index.js';
import { ENGINE, type Engine, type HistoryResult, type Publication, type StreamPosition } from '../engine/index.js';
import { MetricsService } from '../metrics/index.js';
import { ChannelMember } from './channel-member.js';
import { messageText } from './publication-frames.js';

interface ChannelEntry {
  members: Map<Connection, ChannelMember>;
  /** Resolves once this node listens to the channel; the stop function ends that. */
  listening: Promise<() => Promise<void>>;
}

/** A subscribe under way: the position its ack reports, and what to call once that ack is out. */
export interface Joining {
  history: HistoryResult;
  /** Sends the publications that arrived after the ack's position, then delivers live. */
  goLive(): void;
}

/**
 * This node's channel subscriptions: one broker listener per channel, however many local
 * subscribers it has, and each publication serialized once for all of them. It alone keeps
 * publications in order behind the answers they must follow (see {@link ChannelMember}),
 * however late the broker delivers them.
 */
@Injectable()
export class ChannelHub {
  private readonly channels = new Map<string, ChannelEntry>();
  private readonly memberships = new Map<Connection, Set<string>>();
  private subscriptionCount = 0;

  constructor(
    @Inject(ENGINE) private readonly engine: Engine,
    private readonly metrics: MetricsService,
    @InjectPinoLogger('channels') private readonly log: PinoLogger,
  ) {}

  /** The channels `connection` is subscribed to on this node. */
  channelsOf(connection: Connection): ReadonlySet<string> {
    return this.memberships.get(connection) ?? new Set();
  }

  /**
   * Subscribes `connection` and reads the history its ack reports. Publications arriving
   * from now on wait for {@link Joining.goLive}, so none falls between the history read and
   * live delivery, and none comes twice.
   */
  async subscribe(connection: Connection, channel: string, since?: StreamPosition): Promise<Joining> {
    const entry = this.entry(channel);
    let member = entry.members.get(connection);
    if (member) {
      member.resubscribe();
    } else {
      member = new ChannelMember(connection);
      entry.members.set(connection, member);
      this.subscriptionCount++;
      this.track(connection).add(channel);
      this.updateGauges();
    }
    let history: HistoryResult;
    try {
      await entry.listening;
      history = await this.engine.broker.history(channel, since);
    } catch (error) {
      this.unsubscribe(connection, channel);
      throw error;
    }
    if (since) this.metrics.recoveries.inc({ outcome: history.recovered ? 'recovered' : 'not_recovered' });
    const joined = member;
    // Gone, by unsubscribe or disconnect, while the history was read: nothing to deliver.
    const goLive = () => {
      if (entry.members.get(connection) === joined) joined.answered(history);
    };
    return { history, goLive };
  }

  /**
   * Holds publications of `channel` to `connection` while its own publish there is under
   * way; the returned function, called once the ack is out, sends them. Not subscribed:
   * nothing to hold, as its publication will not come back to it.
   */
  hold(connection: Connection, channel: string): () => void {
    const entry = this.channels.get(channel);
    const member = entry?.members.get(connection);
    if (!entry || !member) return () => undefined;
    member.hold();
    let released = false;
    return () => {
      if (released || entry.members.get(connection) !== member) return;
      released = true;
      member.release();
    };
  }

  /** Ends one subscription; the node stops listening to a channel nobody here follows. */
  unsubscribe(connection: Connection, channel: string): void {
    const entry = this.channels.get(channel);
    if (!entry?.members.delete(connection)) return;
    this.subscriptionCount--;
    this.memberships.get(connection)?.delete(channel);
    if (entry.members.size === 0) {
      this.channels.delete(channel);
      // A listen that failed has nothing to stop; its subscribe was answered with the failure.
      entry.listening.then((stop) => stop(), () => undefined).catch((error: unknown) => this.log.error({ err: error, channel }, 'unlisten failed'));
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
      const members = new Map<Connection, ChannelMember>();
      entry = { members, listening: this.engine.broker.listen(channel, (publication) => this.deliver(members, publication)) };
      this.channels.set(channel, entry);
    }
    return entry;
  }

  private deliver(members: Map<Connection, ChannelMember>, publication: Publication): void {
    if (members.size === 0) return;
    const text = messageText(publication);
    for (const member of members.values()) member.deliver(publication, text);
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
