import type { ClientStats } from '@switchboard/client';
import { useMemo, useSyncExternalStore } from 'react';
import { useSwitchboardContext } from './provider.js';

/**
 * The client's counters (round-trip time, reconnects, queued frames, …), read every
 * `intervalMs` and on every connection change; re-renders only when one of them changed.
 */
export function useConnectionStats(intervalMs = 1_000): ClientStats {
  const { client, connection } = useSwitchboardContext();
  const store = useMemo(() => {
    let current = client.stats();
    const read = (): boolean => {
      const next = client.stats();
      const changed = (Object.keys({ ...current, ...next }) as Array<keyof ClientStats>).some((key) => next[key] !== current[key]);
      if (changed) current = next;
      return changed;
    };
    return {
      subscribe(listener: () => void) {
        const poll = () => read() && listener();
        const timer = setInterval(poll, intervalMs);
        const stop = connection.subscribe(poll);
        return () => {
          clearInterval(timer);
          stop();
        };
      },
      getSnapshot: () => current,
    };
  }, [client, connection, intervalMs]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
