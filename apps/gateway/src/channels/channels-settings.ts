import { configSlice, type SliceOf } from '../config/index.js';

/** Who may use which channel. */
export const CHANNEL_SETTINGS = configSlice('channels', ['channels']);
export type ChannelsSettings = SliceOf<typeof CHANNEL_SETTINGS>;
