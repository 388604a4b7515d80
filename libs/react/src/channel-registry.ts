import type { Json, SwitchboardClient } from '@switchboard/client';
import { ChannelEntry, type ChannelSnapshot } from './channel-entry.js';

type AnyClient = SwitchboardClient<any, any>;

/** What a channel reads as before any component has mounted with it (stable, for `useSyncExternalStore`). */
export const UNUSED_CHANNEL: ChannelSnapshot<never> = Object.freeze({ messages: [], status: 'idle', local: [], keys: new Map() });

/**
 * The channels of one client that hooks use, each a ref-counted {@link ChannelEntry}.
 * Hooks look entries up by name at every use instead of holding them, so an entry that
 * went idle and was forgotten is simply made again.
 */
export class ChannelRegistry {
  private readonly entries = new Map<string, ChannelEntry<any>>();

  constructor(private readonly client: AnyClient) {}

  /** The entry of `channel`, made if needed; only effects call this, never render. */
  entry<T = Json>(channel: string): ChannelEntry<T> {
    let entry = this.entries.get(channel) as ChannelEntry<T> | undefined;
    if (!entry) {
      entry = new ChannelEntry<T>(this.client, channel, (idle) => {
        if (this.entries.get(channel) === idle) this.entries.delete(channel);
      });
      this.entries.set(channel, entry);
    }
    return entry;
  }

  /** The current snapshot of `channel`, without making an entry (safe during render). */
  snapshot<T = Json>(channel: string): ChannelSnapshot<T> {
    return (this.entries.get(channel)?.getSnapshot() as ChannelSnapshot<T> | undefined) ?? UNUSED_CHANNEL;
  }

  /** Channels with an entry; tests use it to show nothing leaks. */
  get size(): number {
    return this.entries.size;
  }
}
