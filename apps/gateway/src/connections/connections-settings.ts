import { configSlice, type SliceOf } from '../config/index.js';

/** Heartbeat, backpressure and slot leases of the connections on this node. */
export const CONNECTION_SETTINGS = configSlice('connections', ['limits', 'maxBufferedBytes', 'engine']);
export type ConnectionsSettings = SliceOf<typeof CONNECTION_SETTINGS>;
