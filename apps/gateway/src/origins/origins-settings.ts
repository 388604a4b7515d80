import { configSlice, type SliceOf } from '../config/index.js';

/** The origin allowlist. */
export const ORIGIN_SETTINGS = configSlice('origins', ['allowedOrigins']);
export type OriginsSettings = SliceOf<typeof ORIGIN_SETTINGS>;
