import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpErrorBody } from '@switchboard/protocol';
import type { Rejection } from './admission.types.js';

/** Answers a refused handshake with an HTTP status and the JSON error body, then hangs up. */
export function writeRejection(socket: Duplex, rejection: Rejection): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code: rejection.code, message: rejection.message } } satisfies HttpErrorBody);
  const headers = [
    `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(rejection.retryAfterSeconds === undefined ? [] : [`Retry-After: ${rejection.retryAfterSeconds}`]),
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
