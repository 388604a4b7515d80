import type { ChannelMessage, Json, SubscriptionState, SwitchboardError } from '@switchboard/client';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ChannelReset, ChannelSnapshot } from '@switchboard/client/observers';
import { useSwitchboardContext } from './provider.js';
import { useLatest } from './use-latest.js';

/** How many messages `useChannel` keeps when no `limit` is given. */
export const DEFAULT_MESSAGE_LIMIT = 100;

export interface UseChannelOptions<T> {
  /** Called for every message, in order, bursts included; recovered messages too. */
  onMessage?: (message: ChannelMessage<T>) => void;
  /** Called when the history could not cover a gap: reload what you show from this channel. */
  onReset?: (reset: ChannelReset) => void;
  /** The newest messages kept in `messages`. @default 100 */
  limit?: number;
}

export interface ChannelApi<T> {
  /** Every message since the subscription began, oldest first, at most `limit`. */
  messages: readonly ChannelMessage<T>[];
  status: SubscriptionState | 'idle';
  error?: SwitchboardError;
  /** The last reset (history lost or not covering a gap), if any: the app may reload. */
  reset?: ChannelReset;
  publish: (payload: T, options?: { timeoutMs?: number }) => Promise<{ offset: number; epoch: string }>;
}

/** @internal Subscribes the calling component to the channel's shared observer and returns its snapshot. */
export function useChannelSnapshot<T>(channel: string, limit: number, handlers: Omit<UseChannelOptions<T>, 'limit'> = {}): ChannelSnapshot<T> {
  const { channels } = useSwitchboardContext();
  const onMessage = useLatest(handlers.onMessage);
  const onReset = useLatest(handlers.onReset);
  useEffect(() => channels.observer<T>(channel).retain(limit), [channels, channel, limit]);
  useEffect(() => {
    const observer = channels.observer<T>(channel);
    const disposers = [observer.onMessage((message) => onMessage.current?.(message)), observer.onReset((reset) => onReset.current?.(reset))];
    return () => disposers.forEach((dispose) => dispose());
  }, [channels, channel, onMessage, onReset]);
  const subscribe = useCallback((listener: () => void) => channels.observer<T>(channel).listen(listener), [channels, channel]);
  const getSnapshot = useCallback(() => channels.snapshot<T>(channel), [channels, channel]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/**
 * Subscribes to `channel` while the component is mounted. Components on the same channel
 * share one subscription (released when the last unmounts) and one message buffer.
 */
export function useChannel<T = Json>(channel: string, options: UseChannelOptions<T> = {}): ChannelApi<T> {
  const { client } = useSwitchboardContext();
  const limit = options.limit ?? DEFAULT_MESSAGE_LIMIT;
  const snapshot = useChannelSnapshot(channel, limit, options);
  const messages = useMemo(() => (snapshot.messages.length > limit ? snapshot.messages.slice(-limit) : snapshot.messages), [snapshot.messages, limit]);
  const publish = useCallback((payload: T, publishOptions?: { timeoutMs?: number }) => client.publish(channel, payload as Json, publishOptions), [client, channel]);
  const { status, error, reset } = snapshot;
  return useMemo(
    () => ({ messages, status, publish, ...(error ? { error } : {}), ...(reset ? { reset } : {}) }),
    [messages, status, error, reset, publish],
  );
}
