import { configSlice, type SliceOf } from '../config/index.js';

/** The limits a session announces in its welcome and enforces on every frame. */
export const SESSION_SETTINGS = configSlice('session', ['limits', 'maxJsonDepth']);
export type SessionSettings = SliceOf<typeof SESSION_SETTINGS>;
