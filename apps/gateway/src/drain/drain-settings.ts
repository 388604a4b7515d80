import { configSlice, type SliceOf } from '../config/index.js';

/** How long a drain waits, and how far it spreads the clients' return. */
export const DRAIN_SETTINGS = configSlice('drain', ['drainTimeoutMs', 'drainSpreadMs']);
export type DrainSettings = SliceOf<typeof DRAIN_SETTINGS>;
