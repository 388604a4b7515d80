import type { ErrorCode } from './error-codes.js';

/**
 * The error code for each HTTP status, for an error whose body names none (protocol §2):
 * the gateway uses it for errors Nest raises itself (routing, guards, body parsing), the
 * SDK for answers without the JSON body (a proxy's 502, say). A `Map`, so a status read
 * off the wire finds only what is listed.
 */
export const ERROR_CODE_BY_STATUS: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [400, 'BAD_REQUEST'],
  [401, 'UNAUTHORIZED'],
  [403, 'FORBIDDEN'],
  [404, 'NOT_FOUND'],
  // What the gateway sends when a request body is over its limit.
  [413, 'MESSAGE_TOO_LARGE'],
  [429, 'RATE_LIMITED'],
  [500, 'INTERNAL'],
  // A proxy in front of the gateway that cannot reach it, or the gateway not ready.
  [502, 'UNAVAILABLE'],
  [503, 'UNAVAILABLE'],
  [504, 'UNAVAILABLE'],
]);

/**
 * The code for an HTTP error status: {@link ERROR_CODE_BY_STATUS}, else `INTERNAL` for
 * any other 5xx and `BAD_REQUEST` for any other status.
 *
 * @example
 * const code = body?.error?.code ?? errorCodeForStatus(response.status);
 */
export function errorCodeForStatus(status: number): ErrorCode {
  return ERROR_CODE_BY_STATUS.get(status) ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}
