import type { Json } from '@switchboard/client';
import { useEffect, useSyncExternalStore } from 'react';
import { useSwitchboardContext } from './provider.js';
import { useLatest } from './use-latest.js';

/**
 * Calls `handler` for each message of `type` pushed to the signed-in user (a backend
 * publishes `{type, …}` to the user's channel `user:<id>`). The user's channel is
 * subscribed once the gateway has said who the user is, shared like any channel.
 */
export function useMessage<P extends { type: string } = { type: string } & Record<string, Json>>(type: P['type'], handler: (payload: P) => void): void {
  const { channels, connection } = useSwitchboardContext();
  const { userId } = useSyncExternalStore(connection.subscribe, connection.getSnapshot, connection.getSnapshot);
  const latest = useLatest(handler);
  useEffect(() => {
    if (userId === undefined) return;
    const observer = channels.observer<P>(`user:${userId}`);
    const release = observer.retain(0);
    const stop = observer.onMessage((message) => {
      const payload = message.payload as P | null;
      if (payload !== null && typeof payload === 'object' && payload.type === type) latest.current(payload);
    });
    return () => {
      stop();
      release();
    };
  }, [channels, userId, type, latest]);
}
