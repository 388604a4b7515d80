import type { Json } from '@switchboard/protocol';
import type { SwitchboardClient } from '../client.js';
import { ChannelObserver, type ChannelSnapshot } from './channel-observer.js';

type AnyClient = SwitchboardClient<any, any>;

/** What a channel reads as before any component has mounted with it (stable, for `useSyncExternalStore`). */
export const UNUSED_CHANNEL: ChannelSnapshot<never> = Object.freeze({ messages: [], status: 'idle', local: [], keys: new Map() });

/**
 * The channels of one client that views use, each a ref-counted {@link ChannelObserver}.
 * Views look observers up by name at every use instead of holding them, so one that went
 * idle and was forgotten is simply made again.
 */
export class ChannelRegistry {
  private readonly entries = new Map<string, ChannelObserver<any>>();

  /** @param client the client whose channels these are */
  constructor(private readonly client: AnyClient) {}

  /** The observer of `channel`, made if needed; only effects and event handlers call this, never render. */
  observer<T = Json>(channel: string): ChannelObserver<T> {
    let entry = this.entries.get(channel) as ChannelObserver<T> | undefined;
    if (!entry) {
      entry = new ChannelObserver<T>(this.client, channel, (idle) => {
        if (this.entries.get(channel) === idle) this.entries.delete(channel);
      });
      this.entries.set(channel, entry);
    }
    return entry;
  }

  /** The current snapshot of `channel`, without making an observer (safe during render). */
  snapshot<T = Json>(channel: string): ChannelSnapshot<T> {
    return (this.entries.get(channel)?.getSnapshot() as ChannelSnapshot<T> | undefined) ?? UNUSED_CHANNEL;
  }

  /** Channels with an observer; tests use it to show nothing leaks. */
  get size(): number {
    return this.entries.size;
  }
}
