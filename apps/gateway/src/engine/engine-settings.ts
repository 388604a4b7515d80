import { configSlice, type SliceOf } from '../config/index.js';

/** What the engine is built from: which one (`ENGINE`), its slot leases and channel policy. */
export const ENGINE_SETTINGS = configSlice('engine', ['engine', 'channels']);
export type EngineSettings = SliceOf<typeof ENGINE_SETTINGS>;
