import type { Redis } from 'ioredis';
import { redisCall } from './redis-failure.js';

/**
 * Which nodes are alive: the ZSET `<p>:nodes`, member = node id, score = the end of its lease
 * in Redis time (ms). A serving node renews its lease on every tick; a node that stops
 * renewing (crashed, partitioned) leaves the live set when its lease ends, and whoever reads
 * the set next removes it. Redis's clock decides, so nodes with skewed clocks agree.
 */

const HEARTBEAT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return now
`;

const LIVE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

const HEARTBEAT_COMMAND = 'sbNodeHeartbeat';
const LIVE_COMMAND = 'sbNodeLive';

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

/** Reads and renews node leases in the `nodes` ZSET at `key`. */
export class NodeLiveness {
  private readonly commands: Record<typeof HEARTBEAT_COMMAND | typeof LIVE_COMMAND, ScriptCommand>;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {
    redis.defineCommand(HEARTBEAT_COMMAND, { lua: HEARTBEAT_LUA, numberOfKeys: 1 });
    redis.defineCommand(LIVE_COMMAND, { lua: LIVE_LUA, numberOfKeys: 1 });
    this.commands = redis as unknown as Record<typeof HEARTBEAT_COMMAND | typeof LIVE_COMMAND, ScriptCommand>;
  }

  /** Marks `nodeId` alive for `leaseMs` from now. */
  async renew(nodeId: string, leaseMs: number): Promise<void> {
    await redisCall(this.commands[HEARTBEAT_COMMAND].call(this.redis, this.key, nodeId, leaseMs));
  }

  /** Takes `nodeId` out of the live set at once (a node that stops serving). */
  async leave(nodeId: string): Promise<void> {
    await this.redis.zrem(this.key, nodeId);
  }

  /** The ids of the nodes whose lease has not ended. */
  async live(): Promise<string[]> {
    return (await redisCall(this.commands[LIVE_COMMAND].call(this.redis, this.key))) as string[];
  }
}
