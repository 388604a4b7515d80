// `@switchboard/client/observers`: the client's state as external stores (`subscribe` →
// unsubscribe, `getSnapshot` stable between changes), for UI bindings (React's, and Vue or
// Svelte ones alike). A subpath of its own, so an app without one does not ship it.
export { ConnectionObserver, type ConnectionSnapshot } from './connection-observer.js';
export { StatsObserver, type StatsObserverOptions } from './stats-observer.js';
export { ChannelObserver, positionKey, type ChannelReset, type ChannelSnapshot, type LocalPublication } from './channel-observer.js';
export { ChannelRegistry, UNUSED_CHANNEL } from './channel-registry.js';
