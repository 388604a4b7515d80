import type { Clock } from '../clock/index.js';
import type { EngineSettings } from './engine-settings.js';
import type { Engine, EnginePolicy } from './engine.js';
import { MemoryEngine } from './memory/index.js';
import { RedisEngine } from './redis/index.js';

/** The policy every engine takes, from the configuration. */
export function enginePolicy({ channels }: EngineSettings): EnginePolicy {
  return {
    broker: {
      history: { size: channels.historySize, ttlMs: channels.historyTtlMs, maxBytes: channels.historyMaxBytes },
      idempotencyWindowMs: channels.idempotencyWindowMs,
    },
  };
}

/**
 * Builds the engine `ENGINE` names, reading time through `clock`; `onError` hears what
 * fails in the background (a Redis connection lost and retried).
 * @throws when the Redis engine cannot reach Redis at start.
 */
export async function createEngine(config: EngineSettings, clock: Clock, onError: (error: unknown) => void): Promise<Engine> {
  switch (config.engine.kind) {
    case 'memory':
      return new MemoryEngine(
        { ...enginePolicy(config), historyMaxTotalBytes: config.channels.historyMaxTotalBytes, nodeId: config.engine.nodeId },
        clock,
      );
    case 'redis':
      return RedisEngine.connect({ ...enginePolicy(config), redis: config.engine.redis, nodeId: config.engine.nodeId, onError, clock });
  }
}
