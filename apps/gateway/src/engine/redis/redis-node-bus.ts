import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../../clock/index.js';
import type { NodeBus, NodeCommandHandler } from '../seams/index.js';
import { parseReply, type NodeCommand } from './node-command.js';
import { NodeLiveness } from './node-liveness.js';
import { redisCall } from './redis-failure.js';
import type { RedisKeys } from './redis-keys.js';
import { ServedNode } from './served-node.js';

/**
 * Key layout (`<p>` is the prefix):
 *
 * - `<p>:nodes` — ZSET of live nodes, score = end of lease in Redis time ({@link NodeLiveness}).
 * - `<p>:node:<id>:inbox` — list of the commands sent to node `<id>` it has not carried out
 *   yet, read on each of its ticks; PEXPIRE so a dead node's inbox goes too.
 * - pub/sub `<p>:node:<id>:cmd` — the same commands, at once.
 * - pub/sub `<p>:bus:reply:<bus id>` — the replies to the commands this bus sent.
 */

/** What a {@link RedisNodeBus} is built with. */
export interface RedisNodeBusOptions {
  /** Command connection (ready). */
  redis: Redis;
  /** A connection in subscriber mode (ready); may be shared with the broker's. */
  subscriber: Redis;
  keys: RedisKeys;
  /**
   * How often a served node renews its lease and reads its inbox.
   * @default 1_000
   */
  tickMs?: number;
  /**
   * How long a node stays live without renewing: a crashed node leaves the live set after it.
   * @default 5_000
   */
  leaseMs?: number;
  /**
   * How long a command waits for the replies of the nodes it was sent to; a node that died
   * with a live lease does not answer, and the command resolves with the others' share.
   * @default 3_000
   */
  replyTimeoutMs?: number;
  /** Told of background failures; must not throw. */
  onError?: (error: unknown) => void;
  /** Runs the heartbeat and the reply timeouts. @default systemClock */
  clock?: Clock;
}

/** A command waiting for its replies. */
interface Pending {
  awaiting: Set<string>;
  values: Array<boolean | number>;
  done: () => void;
}

/**
 * The node bus of a cluster: a command goes to every live node (or the one named) on
 * pub/sub and into each one's inbox, and resolves once each has replied or the reply
 * timeout passed.
 */
export class RedisNodeBus implements NodeBus {
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly keys: RedisKeys;
  private readonly liveness: NodeLiveness;
  private readonly tickMs: number;
  private readonly leaseMs: number;
  private readonly replyTimeoutMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly clock: Clock;
  private readonly replyChannel: string;
  private readonly served = new Map<string, ServedNode>();
  /** Served node by its command channel, for incoming messages. */
  private readonly byChannel = new Map<string, ServedNode>();
  private readonly pending = new Map<string, Pending>();
  private replies?: Promise<unknown>;
  private readonly onMessage = (channel: string, message: string) => this.receive(channel, message);

  constructor(options: RedisNodeBusOptions) {
    this.redis = options.redis;
    this.subscriber = options.subscriber;
    this.keys = options.keys;
    this.tickMs = options.tickMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 5_000;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 3_000;
    this.onError = options.onError ?? (() => {});
    this.clock = options.clock ?? systemClock;
    this.liveness = new NodeLiveness(this.redis, this.keys.key('nodes'));
    this.replyChannel = this.keys.key('bus', 'reply', randomUUID());
    this.subscriber.on('message', this.onMessage);
  }

  async serve(nodeId: string, handler: NodeCommandHandler): Promise<() => Promise<void>> {
    if (this.served.has(nodeId)) throw new Error(`node ${nodeId} is served already`);
    const node = new ServedNode({
      redis: this.redis,
      liveness: this.liveness,
      nodeId,
      handler,
      inboxKey: this.inboxKey(nodeId),
      leaseMs: this.leaseMs,
      tickMs: this.tickMs,
      seenMs: 2 * this.inboxTtlMs(),
      onError: this.onError,
      clock: this.clock,
    });
    const channel = this.commandChannel(nodeId);
    this.served.set(nodeId, node);
    this.byChannel.set(channel, node);
    const stop = async () => {
      if (this.served.get(nodeId) !== node) return;
      this.served.delete(nodeId);
      this.byChannel.delete(channel);
      await node.stop();
      if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(channel).catch(this.onError);
    };
    try {
      // Subscribed before it is live: once others see the node, it hears what they send.
      await this.subscriber.subscribe(channel);
      await node.start();
    } catch (error) {
      await stop();
      throw error;
    }
    return stop;
  }

  async closeConnection(connectionId: string, code: number, reason: string): Promise<boolean> {
    const values = await this.send(await this.liveness.live(), { kind: 'closeConnection', connectionId, code, reason });
    return values.some((value) => value === true);
  }

  async closeUser(userId: string, code: number, reason: string): Promise<number> {
    const values = await this.send(await this.liveness.live(), { kind: 'closeUser', userId, code, reason });
    return values.reduce<number>((sum, value) => sum + (typeof value === 'number' ? value : 0), 0);
  }

  async drain(nodeId: string): Promise<boolean> {
    if (!(await this.liveness.live()).includes(nodeId)) return false;
    const values = await this.send([nodeId], { kind: 'drain' });
    return values.includes(true);
  }

  /** Stops serving every node here and stops listening; the connections are the caller's to close. */
  async close(): Promise<void> {
    for (const [nodeId, node] of [...this.served]) {
      this.served.delete(nodeId);
      await node.stop().catch(this.onError);
    }
    this.byChannel.clear();
    for (const pending of this.pending.values()) pending.done();
    this.subscriber.off('message', this.onMessage);
    if (this.replies && this.subscriber.status === 'ready') await this.subscriber.unsubscribe(this.replyChannel).catch(this.onError);
  }

  /** Sends `command` to `nodeIds`, on pub/sub and into their inboxes; resolves with the replies that came in time. */
  private async send(nodeIds: string[], body: DistributiveOmit<NodeCommand, 'id' | 'replyTo'>): Promise<Array<boolean | number>> {
    if (nodeIds.length === 0) return [];
    this.replies ??= redisCall(this.subscriber.subscribe(this.replyChannel)).catch((error: unknown) => {
      this.replies = undefined; // the next command tries again
      throw error;
    });
    await this.replies;
    const command = { ...body, id: randomUUID(), replyTo: this.replyChannel } as NodeCommand;
    const text = JSON.stringify(command);
    const pending: Pending = { awaiting: new Set(nodeIds), values: [], done: () => {} };
    const answered = new Promise<void>((resolve) => {
      pending.done = resolve;
    });
    this.pending.set(command.id, pending);
    const timeout = this.clock.setTimeout(() => pending.done(), this.replyTimeoutMs);
    try {
      const batch = this.redis.multi();
      for (const nodeId of nodeIds) {
        batch.rpush(this.inboxKey(nodeId), text).pexpire(this.inboxKey(nodeId), this.inboxTtlMs()).publish(this.commandChannel(nodeId), text);
      }
      await redisCall(batch.exec());
      await answered;
      return pending.values;
    } finally {
      this.clock.clearTimeout(timeout);
      this.pending.delete(command.id);
    }
  }

  private receive(channel: string, message: string): void {
    if (channel === this.replyChannel) {
      const reply = parseReply(message);
      const pending = reply && this.pending.get(reply.id);
      if (!reply || !pending || !pending.awaiting.delete(reply.nodeId)) return;
      pending.values.push(reply.value);
      if (pending.awaiting.size === 0) pending.done();
      return;
    }
    void this.byChannel.get(channel)?.handle(message);
  }

  /** An inbox outlives the wait for replies and a dead node's lease, then goes. */
  private inboxTtlMs(): number {
    return this.leaseMs + this.replyTimeoutMs;
  }

  private inboxKey(nodeId: string): string {
    return this.keys.key('node', nodeId, 'inbox');
  }

  private commandChannel(nodeId: string): string {
    return this.keys.key('node', nodeId, 'cmd');
  }
}

/** `Omit` over each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
