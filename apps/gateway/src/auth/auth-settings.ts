import { configSlice, type SliceOf } from '../config/index.js';

/** How tokens are verified and tickets issued, and what the ticket route needs to name its URL. */
export const AUTH_SETTINGS = configSlice('auth', ['jwt', 'ticketTtlMs', 'ticketRate', 'trustProxy', 'trustProxyHops', 'publicUrl', 'port']);
export type AuthSettings = SliceOf<typeof AUTH_SETTINGS>;
