import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header that carries the body signature on every request to the backend. */
export const SIGNATURE_HEADER = 'x-switchboard-signature';

const PREFIX = 'sha256=';

/**
 * Signs a request body: `sha256=` and the hex HMAC-SHA256 of the exact bytes sent,
 * keyed with `BACKEND_SECRET`.
 * @example
 * headers[SIGNATURE_HEADER] = signBody(body, secret); // 'sha256=5d41…'
 */
export function signBody(body: string | Buffer, secret: string): string {
  return PREFIX + createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Whether `header` is the signature of `body` under `secret`. Compares in constant time,
 * so a caller cannot learn the signature byte by byte from response timings.
 */
export function verifyBodySignature(body: string | Buffer, secret: string, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith(PREFIX)) return false;
  const given = Buffer.from(header.slice(PREFIX.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  // Buffer.from stops at the first non-hex character, so malformed input only gets shorter.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
