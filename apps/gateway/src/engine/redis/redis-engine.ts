import type { Redis } from 'ioredis';
import type { Clock, ClockTimer } from '../../clock/index.js';
import type { Engine, EngineHealth, EnginePolicy } from '../engine.js';
import type { BucketPolicy } from '../seams/index.js';
import { createRedis, type RedisSettings } from './redis-client.js';
import { RedisChannelBroker } from './redis-channel-broker.js';
import { RedisConnectionRegistry } from './redis-connection-registry.js';
import { RedisKeys } from './redis-keys.js';
import { RedisNodeBus, type RedisNodeBusOptions } from './redis-node-bus.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisTicketStore } from './redis-ticket-store.js';

/** How long a node waits at start for Redis to answer before it gives up. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long `/ready`'s PING may take before the engine counts as not answering. */
const HEALTH_TIMEOUT_MS = 1_000;

/** What a {@link RedisEngine} is built with. */
export interface RedisEngineOptions extends EnginePolicy {
  redis: RedisSettings;
  nodeId: string;
  /** The node bus's heartbeat, lease and reply timeout; the defaults suit production. */
  bus?: Pick<RedisNodeBusOptions, 'tickMs' | 'leaseMs' | 'replyTimeoutMs'>;
  /** Told of what fails in the background (a lost connection, a gap fill); must not throw. */
  onError: (error: unknown) => void;
  /** Times the start and health checks (Redis keeps its own time for everything it stores). */
  clock: Clock;
}

/** Resolves once `redis` is ready; rejects if it is not within `timeoutMs`. */
async function ready(redis: Redis, timeoutMs: number, clock: Clock): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clock.clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/**
 * The cluster engine: every seam lives in one Redis that all nodes share, under
 * `REDIS_PREFIX`. Each node holds two connections: one for commands and scripts, one in
 * subscriber mode that the broker and the node bus share.
 */
export class RedisEngine implements Engine {
  readonly name = 'redis';
  readonly nodeId: string;
  readonly tickets: RedisTicketStore;
  readonly connections: RedisConnectionRegistry;
  readonly broker: RedisChannelBroker;
  readonly bus: RedisNodeBus;
  private readonly keys: RedisKeys;
  private readonly clock: Clock;
  /** The last connection error of the command connection, for `/ready` to name. */
  private lastConnectionError?: string;

  private constructor(
    private readonly commands: Redis,
    private readonly subscriber: Redis,
    options: RedisEngineOptions,
  ) {
    this.clock = options.clock;
    this.nodeId = options.nodeId;
    this.keys = new RedisKeys(options.redis.prefix);
    this.tickets = new RedisTicketStore(commands, this.keys);
    this.connections = new RedisConnectionRegistry(commands, this.keys);
    this.broker = new RedisChannelBroker({ redis: commands, subscriber, keys: this.keys, policy: options.broker, onError: options.onError });
    this.bus = new RedisNodeBus({ redis: commands, subscriber, keys: this.keys, onError: options.onError, clock: options.clock, ...options.bus });
    commands.on('error', (error: Error) => (this.lastConnectionError = error.message));
    commands.on('ready', () => (this.lastConnectionError = undefined));
  }

  /**
   * Connects to Redis and builds the engine once both connections are ready.
   * @throws when Redis does not answer within 10 s; the connections are closed then.
   */
  static async connect(options: RedisEngineOptions): Promise<RedisEngine> {
    const commands = createRedis(options.redis, `${options.nodeId}:commands`);
    const subscriber = createRedis(options.redis, `${options.nodeId}:subscriber`);
    // ioredis reconnects by itself; each failure is reported, none may go unhandled.
    for (const connection of [commands, subscriber]) connection.on('error', options.onError);
    try {
      await Promise.all([ready(commands, CONNECT_TIMEOUT_MS, options.clock), ready(subscriber, CONNECT_TIMEOUT_MS, options.clock)]);
    } catch (error) {
      commands.disconnect();
      subscriber.disconnect();
      throw error;
    }
    return new RedisEngine(commands, subscriber, options);
  }

  rateLimiter(namespace: string, policy: BucketPolicy): RedisRateLimiter {
    return new RedisRateLimiter(this.commands, this.keys, namespace, policy);
  }

  /** True while Redis answers a PING within a second. */
  async isHealthy(): Promise<boolean> {
    return (await this.health()).healthy;
  }

  /** Healthy while Redis answers a PING within a second; else why not (the connection's state and last error, or the PING's). */
  async health(): Promise<EngineHealth> {
    const { status } = this.commands;
    if (status !== 'ready') {
      const last = this.lastConnectionError === undefined ? '' : ` (${this.lastConnectionError})`;
      return { healthy: false, reason: `connection is ${status}${last}` };
    }
    let timer: ClockTimer | undefined;
    const late = new Promise<EngineHealth>((resolve) => {
      timer = this.clock.setTimeout(() => resolve({ healthy: false, reason: `no PING reply within ${HEALTH_TIMEOUT_MS} ms` }), HEALTH_TIMEOUT_MS);
    });
    const answered = this.commands.ping().then(
      (reply): EngineHealth => (reply === 'PONG' ? { healthy: true } : { healthy: false, reason: `PING answered ${reply}` }),
      (error: unknown): EngineHealth => ({ healthy: false, reason: `PING failed: ${error instanceof Error ? error.message : String(error)}` }),
    );
    try {
      return await Promise.race([answered, late]);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  /** Stops listening and serving, then closes both connections once their replies are in. */
  async close(): Promise<void> {
    this.broker.close();
    await this.bus.close();
    await Promise.all([this.commands, this.subscriber].map((connection) => connection.quit().catch(() => connection.disconnect())));
  }
}
