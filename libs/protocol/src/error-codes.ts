/**
 * Every error code the gateway can put in an `error` frame or an HTTP error body
 * (protocol §2, §3, §5). Clients branch on these, never on the message text.
 */
export const ErrorCode = {
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  INVALID_JSON: 'INVALID_JSON',
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  UNSUPPORTED_DATA: 'UNSUPPORTED_DATA',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  BACKEND_UNAVAILABLE: 'BACKEND_UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  INTERNAL: 'INTERNAL',
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  UNAVAILABLE: 'UNAVAILABLE',
  OVERLOADED: 'OVERLOADED',
  ENGINE_UNAVAILABLE: 'ENGINE_UNAVAILABLE',
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Whether retrying the same request later can succeed. Sent as `recoverable` in
 * every `error` frame so that clients need no table of their own.
 */
export const RECOVERABLE: Readonly<Record<ErrorCode, boolean>> = {
  UNAUTHORIZED: false,
  FORBIDDEN: false,
  INVALID_JSON: false,
  INVALID_MESSAGE: false,
  UNKNOWN_TYPE: false,
  UNSUPPORTED_DATA: false,
  MESSAGE_TOO_LARGE: false,
  RATE_LIMITED: true,
  TOO_MANY_CONNECTIONS: true,
  TOO_MANY_SUBSCRIPTIONS: false,
  BACKEND_UNAVAILABLE: true,
  TIMEOUT: true,
  INTERNAL: true,
  ORIGIN_NOT_ALLOWED: false,
  UNAVAILABLE: true,
  OVERLOADED: true,
  ENGINE_UNAVAILABLE: true,
  BAD_REQUEST: false,
  NOT_FOUND: false,
};

/** Body of every HTTP error the gateway answers (protocol §2). */
export interface HttpErrorBody {
  error: { code: ErrorCode; message: string };
}

/**
 * {@link RECOVERABLE} for any code, including one a backend chose: those are not in the
 * table and are not recoverable. Looked up as an own property only, so a code such as
 * `constructor` cannot find `Object.prototype`'s.
 */
export function isRecoverable(code: string): boolean {
  return Object.hasOwn(RECOVERABLE, code) && RECOVERABLE[code as ErrorCode];
}
