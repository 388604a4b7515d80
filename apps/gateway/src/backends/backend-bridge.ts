import type { Json } from '@switchboard/protocol';

/** What the backend receives for one application message (POSTed as JSON). */
export interface BackendRequest {
  type: string;
  id: string;
  payload: Json;
  user: { id: string; claims: Record<string, unknown> };
  connectionId: string;
}

/**
 * The backend's answer, ready to become an `ack` (payload = `reply`) or an `error`
 * frame. `code` is a protocol error code or one the backend chose (protocol §5 allows
 * new codes).
 */
export type BackendOutcome =
  | { ok: true; reply?: Json }
  | { ok: false; code: string; message: string; retryAfterMs?: number; details?: Json };

/** Hands valid application messages to the app's backend. */
export interface BackendBridge {
  deliver(request: BackendRequest): Promise<BackendOutcome>;
  close(): Promise<void>;
}

/** Nest injection token of the {@link BackendBridge}. */
export const BACKEND_BRIDGE = Symbol('BACKEND_BRIDGE');
