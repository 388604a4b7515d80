import type { Clock } from '../clock/index.js';
import type { EngineSettings } from './engine-settings.js';
import type { Engine, EnginePolicy } from './engine.js';
import { MemoryEngine } from './memory/index.js';

/** The policy every engine takes, from the configuration. */
export function enginePolicy({ channels }: EngineSettings): EnginePolicy {
  return {
    broker: {
      history: { size: channels.historySize, ttlMs: channels.historyTtlMs, maxBytes: channels.historyMaxBytes },
      idempotencyWindowMs: channels.idempotencyWindowMs,
    },
  };
}

/** Builds the engine `ENGINE` names, reading time through `clock`. */
export function createEngine(config: EngineSettings, clock: Clock): Engine {
  switch (config.engine.kind) {
    case 'memory':
      return new MemoryEngine(
        { ...enginePolicy(config), historyMaxTotalBytes: config.channels.historyMaxTotalBytes, nodeId: config.engine.nodeId },
        clock,
      );
    case 'redis':
      // loadConfig refuses ENGINE=redis until the Redis engine exists; this is for hand-built configs.
      throw new Error('ENGINE=redis is not available in this version');
  }
}
