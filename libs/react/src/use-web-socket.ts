import type { ClientStats, MessageMap, ReplyMap, SwitchboardClient } from '@switchboard/client';
import { useMemo, useSyncExternalStore } from 'react';
import type { ConnectionSnapshot } from '@switchboard/client/observers';
import { useSwitchboardContext } from './provider.js';

/** What {@link useWebSocket} returns: the connection's state and the client's actions. */
export type WebSocketApi<M extends MessageMap = MessageMap, R extends ReplyMap<M> = {}> = ConnectionSnapshot & {
  send: SwitchboardClient<M, R>['send'];
  request: SwitchboardClient<M, R>['request'];
  publish: SwitchboardClient<M, R>['publish'];
  subscribe: SwitchboardClient<M, R>['subscribe'];
  /** Reads the counters now (round-trip time, reconnects, queued frames); see `useConnectionStats` to render them. */
  stats: () => ClientStats;
  client: SwitchboardClient<M, R>;
};

/**
 * The provider's connection. Re-renders only when `status`, `reason`, `error`, `retryAt`
 * or `userId` change: the actions are stable, and sending or receiving does not render.
 */
export function useWebSocket<M extends MessageMap = MessageMap, R extends ReplyMap<M> = {}>(): WebSocketApi<M, R> {
  const { client, connection } = useSwitchboardContext();
  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot, connection.getSnapshot);
  const actions = useMemo(() => {
    const typed = client as SwitchboardClient<M, R>;
    return {
      send: typed.send.bind(typed),
      request: typed.request.bind(typed),
      publish: typed.publish.bind(typed),
      subscribe: typed.subscribe.bind(typed),
      stats: () => typed.stats(),
      client: typed,
    } as Omit<WebSocketApi<M, R>, keyof ConnectionSnapshot>;
  }, [client]);
  return useMemo(() => ({ ...snapshot, ...actions }), [snapshot, actions]);
}
