import { configSlice, type SliceOf } from '../config/index.js';

/** What bounds a WebSocket at its handshake (the frame size). */
export const EDGE_SETTINGS = configSlice('edge', ['limits']);
export type EdgeSettings = SliceOf<typeof EDGE_SETTINGS>;
