import { isRecoverable, type ErrorCode, type ErrorFrame, type Json } from '@switchboard/protocol';

/** Thrown by a frame handler to answer with a typed `error` frame instead of an ack. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { retryAfterMs?: number; details?: Json } = {},
  ) {
    super(message);
  }
}

/** Builds an `error` frame; `recoverable` comes from the protocol's table. */
export function errorFrame(
  code: ErrorCode | (string & {}),
  message: string,
  id?: string,
  extra: { retryAfterMs?: number; details?: Json } = {},
): Omit<ErrorFrame, 'ts'> {
  // A code a backend chose is not in the table: the backend said no, so retrying will not help.
  const recoverable = isRecoverable(code);
  return {
    type: 'error',
    ...(id === undefined ? {} : { id }),
    payload: { code, message, recoverable, ...extra },
  };
}
