import type { ClientStats } from '@switchboard/client';
import { StatsObserver } from '@switchboard/client/observers';
import { useMemo, useSyncExternalStore } from 'react';
import { useSwitchboardContext } from './provider.js';

/**
 * The client's counters (round-trip time, reconnects, queued frames, …), pushed by the
 * client as they change (the SDK's `StatsObserver`, nothing polls). Re-renders only when a
 * counter changed, and at most once per `intervalMs`: the first change after a quiet
 * period at once, the ones within the interval after it together, at its end.
 *
 * @param intervalMs the shortest time between two re-renders; 0 re-renders on every change. @default 1000
 */
export function useConnectionStats(intervalMs = 1_000): ClientStats {
  const { client } = useSwitchboardContext();
  const observer = useMemo(() => new StatsObserver(client, { minIntervalMs: intervalMs }), [client, intervalMs]);
  return useSyncExternalStore(observer.subscribe, observer.getSnapshot, observer.getSnapshot);
}
