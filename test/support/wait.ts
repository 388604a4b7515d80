import type { EventEmitter } from 'node:events';

/**
 * Resolves with the first truthy value of `check`, tried now and after every `event` of
 * `source`; rejects after `timeoutMs` saying what was awaited, so a test fails with a reason
 * instead of hanging until jest's timeout. `check` may throw to give up early (a crashed peer).
 */
export function waitFor<T>(source: EventEmitter, event: string, check: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      source.off(event, attempt);
      settle();
    };
    const attempt = () => {
      try {
        const value = check();
        if (value !== undefined && value !== false) done(() => resolve(value));
      } catch (error) {
        done(() => reject(error));
      }
    };
    const timer = setTimeout(() => done(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
    source.on(event, attempt);
    attempt();
  });
}
