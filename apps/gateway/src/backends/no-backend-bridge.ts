import type { BackendBridge, BackendOutcome } from './backend-bridge.js';

/** What application messages answer while no backend is configured. */
export const NO_BACKEND_MESSAGE =
  'no backend is configured for application messages: set BACKEND_URL and BACKEND_SECRET on the gateway (see docs/backends.md)';

/** The bridge without `BACKEND_URL`: every application message answers `BACKEND_UNAVAILABLE`. */
export class NoBackendBridge implements BackendBridge {
  async deliver(): Promise<BackendOutcome> {
    return { ok: false, code: 'BACKEND_UNAVAILABLE', message: NO_BACKEND_MESSAGE };
  }

  async close(): Promise<void> {}
}
