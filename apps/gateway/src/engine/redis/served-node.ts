import type { Redis } from 'ioredis';
import type { Clock, ClockTimer } from '../../clock/index.js';
import type { NodeCommandHandler } from '../seams/index.js';
import { parseCommand, runCommand, type NodeReply } from './node-command.js';
import type { NodeLiveness } from './node-liveness.js';

/** What one served node is built with. */
export interface ServedNodeOptions {
  redis: Redis;
  liveness: NodeLiveness;
  nodeId: string;
  handler: NodeCommandHandler;
  /** This node's inbox list, where every command addressed to it is also recorded. */
  inboxKey: string;
  leaseMs: number;
  tickMs: number;
  /** How long a command id is remembered, so one command is carried out once; past the inbox's TTL. */
  seenMs: number;
  onError: (error: unknown) => void;
  /** Runs the tick and dates the dedupe (local, so this node's clock serves). */
  clock: Clock;
}

/**
 * One node served on the bus. A command reaches it twice: on pub/sub at once, and in its
 * inbox list, which it reads on every tick; so a pub/sub message lost (a reconnect, a deaf
 * subscriber) delays a command by one tick instead of losing it. Command ids are remembered,
 * so whichever copy comes second does nothing. The same tick renews the node's lease.
 */
export class ServedNode {
  /** Command id → when it may be forgotten (this node's clock: the dedupe is local). */
  private readonly seen = new Map<string, number>();
  private timer?: ClockTimer;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: ServedNodeOptions) {}

  /** Takes the node's lease, then renews it and reads the inbox every tick. */
  async start(): Promise<void> {
    await this.o.liveness.renew(this.o.nodeId, this.o.leaseMs);
    this.timer = this.o.clock
      .setInterval(() => {
        this.ticking = this.ticking.then(() => this.tick());
      }, this.o.tickMs)
      .unref();
  }

  /** Carries out one command, given as its JSON text, unless it was carried out already. */
  async handle(text: string): Promise<void> {
    const command = parseCommand(text);
    if (!command || this.stopped || this.seen.has(command.id)) return;
    this.seen.set(command.id, this.o.clock.now() + this.o.seenMs);
    try {
      const value = await runCommand(this.o.handler, command);
      const reply: NodeReply = { id: command.id, nodeId: this.o.nodeId, value };
      await this.o.redis.multi().publish(command.replyTo, JSON.stringify(reply)).lrem(this.o.inboxKey, 0, text).exec();
    } catch (error) {
      this.o.onError(error);
    }
  }

  /** Stops renewing and leaves the live set, after any tick under way (which would renew again). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.o.clock.clearInterval(this.timer);
    await this.ticking;
    // With Redis away, the lease ends by itself and the inbox expires: stopping still succeeds.
    await Promise.all([this.o.liveness.leave(this.o.nodeId), this.o.redis.unlink(this.o.inboxKey)]).catch(this.o.onError);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.o.liveness.renew(this.o.nodeId, this.o.leaseMs);
      const inbox = await this.o.redis.lrange(this.o.inboxKey, 0, -1);
      for (const text of inbox) await this.handle(text);
    } catch (error) {
      this.o.onError(error);
    }
    const now = this.o.clock.now();
    for (const [id, forgetAt] of this.seen) if (forgetAt <= now) this.seen.delete(id);
  }
}
