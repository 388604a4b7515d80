import { configSlice, type SliceOf } from '../config/index.js';

/** What the discovery document tells clients (protocol §8). */
export const DISCOVERY_SETTINGS = configSlice('discovery', ['publicUrl', 'trustProxy', 'port', 'authQueryToken', 'limits', 'channels']);
export type DiscoverySettings = SliceOf<typeof DISCOVERY_SETTINGS>;
