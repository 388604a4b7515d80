import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { SUBPROTOCOL } from '@switchboard/protocol';

/**
 * A WebSocket client written by hand over TCP, for what a real client cannot be made
 * to do: never answer pings, or stop reading.
 */
export async function rawUpgrade(url: string): Promise<{ socket: Socket; leftover: Buffer }> {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  await once(socket, 'connect');
  socket.write(
    [
      `GET ${target.pathname}${target.search} HTTP/1.1`,
      `Host: ${target.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Protocol: ${SUBPROTOCOL}`,
      '',
      '',
    ].join('\r\n'),
  );
  let head = Buffer.alloc(0);
  while (!head.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    head = Buffer.concat([head, chunk]);
  }
  if (!head.toString('latin1').startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head.toString().split('\r\n')[0]}`);
  return { socket, leftover: head.subarray(head.indexOf('\r\n\r\n') + 4) };
}

/** A masked text frame, as RFC 6455 requires of clients. */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 65_535) throw new Error('frame too large for this helper');
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([header, mask, masked]);
}

/** Splits unmasked server frames out of a byte stream. */
export function parseServerFrames(bytes: Buffer): Array<{ opcode: number; payload: Buffer }> {
  const frames = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    if (offset + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(offset, offset + length) });
    at = offset + length;
  }
  return frames;
}

/** Sends a hand-written HTTP request and resolves with the status and JSON body of the answer. */
export async function rawHttp(port: number, request: string): Promise<{ status: number; body: any }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.end(request);
  let text = '';
  for await (const chunk of socket) text += chunk.toString();
  const [head, body] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
}
