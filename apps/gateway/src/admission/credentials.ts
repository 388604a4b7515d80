import type { IncomingMessage } from 'node:http';

/** The credential a handshake carries, first found wins (protocol §3). */
export type HandshakeCredential =
  | { kind: 'ticket'; value: string }
  | { kind: 'header'; value: string }
  | { kind: 'query'; value: string }
  | { kind: 'none' };

/** Reads the credential from the already parsed `target` and the request's headers. */
export function findCredential(request: IncomingMessage, target: URL): HandshakeCredential {
  const query = target.searchParams;
  const ticket = query.get('ticket');
  if (ticket) return { kind: 'ticket', value: ticket };
  const header = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (header) return { kind: 'header', value: header[1] };
  const token = query.get('access_token');
  if (token) return { kind: 'query', value: token };
  return { kind: 'none' };
}
