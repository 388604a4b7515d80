import { configSlice, type SliceOf } from '../config/index.js';

/** The server API key and the body depth it accepts. */
export const API_SETTINGS = configSlice('api', ['apiKey', 'maxJsonDepth']);
export type ApiSettings = SliceOf<typeof API_SETTINGS>;
