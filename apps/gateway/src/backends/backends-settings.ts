import { configSlice, type SliceOf } from '../config/index.js';

/** Where application messages go (`BACKEND_URL` and its pool). */
export const BACKEND_SETTINGS = configSlice('backends', ['backend']);
export type BackendsSettings = SliceOf<typeof BACKEND_SETTINGS>;
