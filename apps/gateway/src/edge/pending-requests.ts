import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { writeRejection, type Rejection } from '../admission/index.js';

const TOO_MANY_PENDING: Rejection = {
  status: 429,
  code: 'RATE_LIMITED',
  message: 'too many unfinished requests from this address',
  retryAfterSeconds: 1,
};

/**
 * Caps the connections one peer address holds before their first request head is whole:
 * each counts from `connection` until its `request` or `upgrade`, or until it closes. One
 * more is answered 429 `RATE_LIMITED` and closed. The headers timeout bounds how long a
 * counted one lasts, so together they bound the sockets slow clients can hold.
 */
export function limitPendingRequests(server: Server, maxPerAddress: number): void {
  const pendingByAddress = new Map<string, number>();
  const addressOf = new WeakMap<Duplex, string>();

  const settle = (socket: Duplex): void => {
    const address = addressOf.get(socket);
    if (address === undefined) return;
    addressOf.delete(socket);
    const left = (pendingByAddress.get(address) ?? 1) - 1;
    // Deleted at zero, so the map holds only addresses with a connection open right now.
    if (left === 0) pendingByAddress.delete(address);
    else pendingByAddress.set(address, left);
  };

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    // A peer that reset before it was accepted has no address and is closing already.
    if (address === undefined) return;
    const pending = pendingByAddress.get(address) ?? 0;
    if (pending >= maxPerAddress) return refuse(socket);
    pendingByAddress.set(address, pending + 1);
    addressOf.set(socket, address);
    socket.once('close', () => settle(socket));
  });
  server.on('request', (request: IncomingMessage) => settle(request.socket));
  server.on('upgrade', (_request: IncomingMessage, socket: Duplex) => settle(socket));
}

/**
 * Ends rather than destroys at once: closing with the peer's bytes unread makes the kernel
 * reset the connection, and the 429 can be lost with it. Destroyed once the answer is out,
 * so a refused socket does not linger until the headers timeout.
 */
function refuse(socket: Socket): void {
  socket.once('finish', () => socket.destroy());
  writeRejection(socket, TOO_MANY_PENDING);
}
