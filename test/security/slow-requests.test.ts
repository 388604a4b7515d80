import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SUBPROTOCOL } from '@switchboard/protocol';
import { useGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { SECRET_ENV } from '../support/tokens.js';

/**
 * Slowloris: clients that open connections and never finish a request. The gateway closes
 * each with Node's 408 once its headers (or whole request) timeout passes, upgrades
 * included, and refuses one connection more than MAX_PENDING_REQUESTS_PER_IP from one
 * address with a JSON 429 instead of holding it.
 */

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const MAX_PENDING = 4;
/** How late past its timeout a close may come on a loaded 2-core CI machine. */
const SLACK_MS = 4_000;
/** Node's answer to a request past its timeout. */
const REQUEST_TIMEOUT_RESPONSE = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';

/** A TCP connection to the gateway that records what it receives and when it closed. */
class RawClient {
  received = '';
  readonly opened = performance.now();
  readonly closed: Promise<number>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (this.received += chunk));
    socket.on('error', () => undefined);
    this.closed = once(socket, 'close').then(() => performance.now() - this.opened);
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Writes one more byte of a header that never ends, every `everyMs`, until the socket closes; resolves with the count. */
  dribble(everyMs: number): Promise<number> {
    let sent = 0;
    const timer = setInterval(() => {
      if (!this.socket.writable) return;
      this.socket.write('a', (error) => {
        if (!error) sent++;
      });
    }, everyMs);
    return this.closed.then(() => {
      clearInterval(timer);
      return sent;
    });
  }

  /** Resolves with the ms from connect to close; rejects if the gateway has not closed it within `ms`. */
  closedWithin(ms: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still open after ${ms} ms; received ${JSON.stringify(this.received)}`)), ms);
    });
    return Promise.race([this.closed, deadline]).finally(() => clearTimeout(timer));
  }
}

/** Splits one raw HTTP response into status, lower-cased headers and body, failing if anything follows the body. */
function parseResponse(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  expect(end).toBeGreaterThan(0);
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const body = raw.slice(end + 4);
  expect(Buffer.byteLength(body)).toBe(Number(headers['content-length']));
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('slow and unfinished requests', () => {
  const gw = useGateway({
    ...SECRET_ENV,
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    MAX_PENDING_REQUESTS_PER_IP: String(MAX_PENDING),
  });

  it.each([
    ['a plain route', `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `],
    [
      'the WebSocket upgrade',
      [
        'GET /ws HTTP/1.1',
        'Host: 127.0.0.1',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        `Sec-WebSocket-Protocol: ${SUBPROTOCOL}`,
        'X-Slow: ',
      ].join('\r\n'),
    ],
  ])('answers 408 and closes a request to %s whose headers never finish, though bytes keep coming', async (_name, head) => {
    const client = await RawClient.open(gw.port);
    client.socket.write(head);
    const dribbled = client.dribble(50);
    const elapsed = await client.closedWithin(HEADERS_TIMEOUT_MS + SLACK_MS);
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(client.received).toBe(REQUEST_TIMEOUT_RESPONSE);
    // The client kept sending throughout: it is the headers timeout that closed it, not idleness.
    expect(await dribbled).toBeGreaterThanOrEqual(5);
    await expectServing(gw);
  });

  it('answers 408 and closes a request whose body never finishes, once the request timeout passes', async () => {
    const client = await RawClient.open(gw.port);
    client.socket.write('POST /ws/ticket HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"');
    const dribbled = client.dribble(50);
    const elapsed = await client.closedWithin(REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(client.received).toBe(REQUEST_TIMEOUT_RESPONSE);
    expect(await dribbled).toBeGreaterThanOrEqual(10);
    await expectServing(gw);
  });

  it('refuses one unfinished connection more than the cap with a JSON 429, and serves the address again once they are gone', async () => {
    const slow = await Promise.all(Array.from({ length: MAX_PENDING }, () => RawClient.open(gw.port)));
    for (const client of slow) client.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');

    // A whole request, sent at once: still refused, the address holds its share already.
    const extra = await RawClient.open(gw.port);
    extra.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await extra.closedWithin(SLACK_MS);
    const refusal = parseResponse(extra.received);
    expect(refusal.status).toBe(429);
    expect(refusal.headers).toMatchObject({
      connection: 'close',
      'content-type': 'application/json; charset=utf-8',
      'retry-after': '1',
    });
    expect(JSON.parse(refusal.body)).toEqual({ error: { code: 'RATE_LIMITED', message: 'too many unfinished requests from this address' } });

    // The gateway closes the slow ones itself, so its count is down before the next connect.
    for (const client of slow) {
      await client.closedWithin(HEADERS_TIMEOUT_MS + SLACK_MS);
      expect(client.received).toBe(REQUEST_TIMEOUT_RESPONSE);
    }
    const fresh = await fetch(gw.http('/health'));
    expect(fresh.status).toBe(200);
    await expectServing(gw);
  });

  it('counts a connection only until its request head is whole: finished requests never fill the cap', async () => {
    // Keep-alive connections that each finished a request stay open, yet hold no pending slot.
    const idle = await Promise.all(Array.from({ length: MAX_PENDING }, () => RawClient.open(gw.port)));
    for (const client of idle) {
      client.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      while (!client.received.includes('{"status":"ok"}')) await once(client.socket, 'data');
    }
    const next = await fetch(gw.http('/health'), { headers: { connection: 'close' } });
    expect(next.status).toBe(200);
    for (const client of idle) client.socket.destroy();
    await expectServing(gw);
  });
});
