import { RECOVERABLE, type ErrorCode, type Json } from '@switchboard/protocol';

/** Codes the client raises itself, beside the protocol's. */
export const ClientErrorCode = {
  /** The outbound queue is at its frame or byte limit. */
  QUEUE_FULL: 'QUEUE_FULL',
  /** The gateway could not be reached (DNS, refused, offline, CORS). */
  NETWORK: 'NETWORK',
  /** An HTTP answer of the gateway (discovery, ticket) lacks what the client needs. */
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  /** The client was closed, or failed for good, before the answer came. */
  CLOSED: 'CLOSED',
  /**
   * The gateway sent a frame the protocol does not allow: not JSON, not an object, an
   * unknown type, a field missing or of the wrong type, or out of place (a second welcome,
   * a subscribe answered by an ack that is not a subscribe ack). It is dropped and the
   * client carries on; `details.reason` is the parser's code (`INVALID_JSON`,
   * `INVALID_MESSAGE`, `UNKNOWN_TYPE`). Recoverable: the next frame may well be fine.
   */
  INVALID_FRAME: 'INVALID_FRAME',
} as const;

export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Every failure the client reports: a code to branch on, never only prose. */
export class SwitchboardError extends Error {
  override readonly name = 'SwitchboardError';
  /** A protocol error code, a client code, or one the app's backend chose. */
  readonly code: ErrorCode | ClientErrorCode | (string & {});
  /** Whether trying the same thing later can succeed. */
  readonly recoverable: boolean;
  /** When the gateway says how long to wait. */
  readonly retryAfterMs?: number;
  /** HTTP status, for failures of discovery or the ticket request. */
  readonly status?: number;
  readonly details?: Json;

  constructor(
    code: ErrorCode | ClientErrorCode | (string & {}),
    message: string,
    extra: { recoverable?: boolean; retryAfterMs?: number; status?: number; details?: Json } = {},
  ) {
    super(message);
    this.code = code;
    this.recoverable =
      extra.recoverable ?? (Object.hasOwn(RECOVERABLE, code) ? RECOVERABLE[code as ErrorCode] : code !== ClientErrorCode.CLOSED);
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.details !== undefined) this.details = extra.details;
  }
}

/**
 * The `INVALID_FRAME` error for a frame from the gateway that failed validation, with the
 * validator's own code as `details.reason`.
 */
export function invalidFrame(failure: { code: string; message: string }): SwitchboardError {
  const message = `the gateway sent a frame the protocol does not allow: ${failure.message}`;
  return new SwitchboardError(ClientErrorCode.INVALID_FRAME, message, { recoverable: true, details: { reason: failure.code } });
}
