import type { Json, SubscriptionState, SwitchboardError } from '@switchboard/client';
import { useCallback, useMemo } from 'react';
import { positionKey, type ChannelReset } from '@switchboard/client/observers';
import { useSwitchboardContext } from './provider.js';
import { DEFAULT_MESSAGE_LIMIT, useChannelSnapshot, type UseChannelOptions } from './use-channel.js';

/** One row of an optimistic channel: a delivered message, or a local publication not delivered yet. */
export interface OptimisticItem<T = Json> {
  /** Stable for the item's whole life (pending → confirmed → delivered): use it as the React key. */
  key: string;
  /** The server's position once known (`<epoch>:<offset>`), else the temporary local key. */
  id: string;
  payload: T;
  /** `confirmed`: acked by the gateway (delivered, or about to be). */
  status: 'pending' | 'confirmed' | 'failed';
  /** Whether this client published it through `publish` here. */
  local: boolean;
  epoch?: string;
  offset?: number;
  ts?: number;
  /** Why it failed (a refusal such as `FORBIDDEN`, or `TIMEOUT`). */
  error?: SwitchboardError;
}

export interface OptimisticChannelApi<T> {
  /** Delivered messages in channel order, then local publications not delivered yet. */
  items: readonly OptimisticItem<T>[];
  status: SubscriptionState | 'idle';
  error?: SwitchboardError;
  reset?: ChannelReset;
  /** Shows `payload` at once as `pending` and publishes it; returns the item's key. */
  publish: (payload: T) => string;
  /** Publishes a failed item again. */
  retry: (key: string) => void;
  /** Removes a failed item. */
  dismiss: (key: string) => void;
}

export interface UseOptimisticChannelOptions<T> extends UseChannelOptions<T> {
  /** How long to wait for the ack once the publish is on a connection; not counted while offline. */
  timeoutMs?: number;
}

/**
 * A channel with optimistic publishing: what you publish appears at once as `pending`, is
 * `confirmed` by the ack (its temporary id replaced by the server's position), becomes the
 * delivered message without ever showing twice, and turns `failed` with the error on a
 * refusal or a timeout. While the connection is down it stays `pending`: the SDK queues
 * the frame and sends it after the reconnect, acked once (publishes are idempotent).
 */
export function useOptimisticChannel<T = Json>(channel: string, options: UseOptimisticChannelOptions<T> = {}): OptimisticChannelApi<T> {
  const { channels } = useSwitchboardContext();
  const limit = options.limit ?? DEFAULT_MESSAGE_LIMIT;
  const snapshot = useChannelSnapshot(channel, limit, options);
  const { timeoutMs } = options;

  const items = useMemo(() => {
    const delivered = snapshot.messages.slice(-limit).map((message): OptimisticItem<T> => {
      const id = positionKey(message);
      const localKey = snapshot.keys.get(id);
      return { key: localKey ?? id, id, payload: message.payload, status: 'confirmed', local: localKey !== undefined, epoch: message.epoch, offset: message.offset, ts: message.ts };
    });
    const local = snapshot.local.map((item): OptimisticItem<T> => ({
      ...item,
      id: item.epoch === undefined ? item.key : positionKey({ epoch: item.epoch, offset: item.offset! }),
      local: true,
    }));
    return [...delivered, ...local];
  }, [snapshot.messages, snapshot.keys, snapshot.local, limit]);

  const publish = useCallback((payload: T) => channels.observer<T>(channel).publishLocal(payload, timeoutMs), [channels, channel, timeoutMs]);
  const retry = useCallback((key: string) => channels.observer<T>(channel).retryLocal(key, timeoutMs), [channels, channel, timeoutMs]);
  const dismiss = useCallback((key: string) => channels.observer<T>(channel).dismissLocal(key), [channels, channel]);
  const { status, error, reset } = snapshot;
  return useMemo(
    () => ({ items, status, publish, retry, dismiss, ...(error ? { error } : {}), ...(reset ? { reset } : {}) }),
    [items, status, error, reset, publish, retry, dismiss],
  );
}
