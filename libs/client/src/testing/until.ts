import type { Disposer } from '../emitter.js';

/**
 * Resolves once `predicate` holds: at once if it does already, else at the first
 * notification of `subscribe` after which it does. `subscribe` is an observer's
 * `subscribe`/`listen`, or a client event (`(listener) => client.on('stats', listener)`).
 * Test support, not part of the package.
 *
 * @example
 * await until(observer.listen, () => observer.getSnapshot().status === 'subscribed');
 */
export function until(subscribe: (listener: () => void) => Disposer, predicate: () => boolean): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = subscribe(() => {
      if (!predicate()) return;
      stop();
      resolve();
    });
  });
}
