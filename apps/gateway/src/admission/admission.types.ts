import type { ErrorCode } from '@switchboard/protocol';
import type { Identity } from '../auth/index.js';

/** A handshake that passed every check: its slot is taken under `connectionId`. */
export interface Admission {
  connectionId: string;
  identity: Identity;
}

/** Why a handshake was refused: answered as HTTP, no WebSocket is opened. */
export interface Rejection {
  status: number;
  code: ErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

export type AdmissionResult = { admitted: true; admission: Admission } | { admitted: false; rejection: Rejection };
