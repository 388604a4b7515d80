import type { IncomingMessage } from 'node:http';
import { SUBPROTOCOL } from '@switchboard/protocol';

const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** An RFC 7230 token, what each offered subprotocol must be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * What is wrong with an upgrade request before any policy applies, or undefined. `ws`
 * would refuse these itself, but with a plain-text body; the protocol wants JSON.
 */
export function malformedUpgrade(request: IncomingMessage): string | undefined {
  if (request.method !== 'GET') return 'a WebSocket handshake must be a GET';
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') return 'Upgrade: websocket is required';
  if (!KEY.test(request.headers['sec-websocket-key'] ?? '')) return 'Sec-WebSocket-Key is missing or malformed';
  const version = request.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'Sec-WebSocket-Version must be 13';
  const header = request.headers['sec-websocket-protocol'];
  if (header === undefined) return undefined;
  const offered = header.split(',').map((p) => p.replace(/^[ \t]+|[ \t]+$/g, ''));
  // The same rules `ws` applies, so that it never refuses the header itself in plain text.
  if (offered.some((p) => !TOKEN.test(p)) || new Set(offered).size !== offered.length) {
    return 'Sec-WebSocket-Protocol must be a comma list of distinct tokens';
  }
  if (!offered.includes(SUBPROTOCOL)) return `unsupported subprotocol; offer ${SUBPROTOCOL}`;
  return undefined;
}
