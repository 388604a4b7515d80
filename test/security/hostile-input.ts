import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '@switchboard/protocol';
import type { RunningGateway } from '../support/gateway-process.js';
import { connect, type Frame, type TestSocket } from '../support/test-socket.js';

// ---------------------------------------------------------------------------------------
// Hostile names and shapes
// ---------------------------------------------------------------------------------------

/** Every member of Object.prototype (constructor, __proto__, toString, hasOwnProperty, …). */
export const OBJECT_PROTOTYPE_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype).sort();

/** Object.prototype members plus other names that trip lookups in plain objects. */
export const HOSTILE_NAMES: readonly string[] = [
  ...OBJECT_PROTOTYPE_NAMES,
  'prototype',
  'then',
  'toJSON',
  'length',
  'name',
  'call',
  'apply',
  'bind',
  'caller',
  'arguments',
];

/** Text of `depth` nested containers around `core`: arrays `[[…]]`, objects `{"a":…}` or `{"__proto__":…}`. */
export function nested(depth: number, style: 'array' | 'object' | 'proto' = 'array', core = '1'): string {
  switch (style) {
    case 'array':
      return '['.repeat(depth) + core + ']'.repeat(depth);
    case 'object':
      return '{"a":'.repeat(depth) + core + '}'.repeat(depth);
    case 'proto':
      return '{"__proto__":'.repeat(depth) + core + '}'.repeat(depth);
  }
}

/**
 * How many containers deep a parsed JSON value nests: `1` is 0, `[1]` and `{}` are 1,
 * `{"a":[1]}` is 2. Iterative, so 100k levels do not overflow the stack.
 */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) {
      if (depth > max) max = depth;
      continue;
    }
    const children = Array.isArray(current) ? current : Object.values(current);
    if (depth + 1 > max) max = depth + 1;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return max;
}

/** Every code of protocol §5 (and any the protocol library adds). */
export const PROTOCOL_ERROR_CODES: ReadonlySet<string> = new Set<string>(Object.values(ErrorCode));

// ---------------------------------------------------------------------------------------
// WebSocket exchanges
// ---------------------------------------------------------------------------------------

let syncCounter = 0;

/**
 * Sends `frames` in order, then two `ping` round trips, and resolves with every frame
 * received before the second `pong` (channel `message` frames included). Frames are
 * handled in order per connection, so every answer to `frames` has arrived by then:
 * the second ping is sent only after the first pong came back, a full round trip after
 * the last frame was processed. Rejects if the socket closes first.
 */
export async function exchange(client: TestSocket, frames: ReadonlyArray<string | object | Buffer>): Promise<Frame[]> {
  for (const frame of frames) {
    if (Buffer.isBuffer(frame)) client.socket.send(frame, { binary: true });
    else client.send(frame);
  }
  const received: Frame[] = [];
  for (let round = 0; round < 2; round++) {
    const id = `sync-${++syncCounter}`;
    client.send({ type: 'ping', id });
    for (;;) {
      const frame = await client.next();
      if (frame.type === 'pong' && frame.id === id) break;
      received.push(frame);
    }
  }
  return received;
}

/** The answers (everything but channel `message` frames) among `frames`. */
export const answersIn = (frames: Frame[]): Frame[] => frames.filter((f) => f.type !== 'message');

// ---------------------------------------------------------------------------------------
// Raw HTTP over TCP
// ---------------------------------------------------------------------------------------

/** A response read off the wire, as far as it got. */
export interface RawResponse {
  /** Every byte the server sent. */
  raw: Buffer;
  /** How reading ended. */
  ending: 'complete' | 'end' | 'reset' | 'timeout';
  /** The parsed response when the bytes hold a full status line and head. */
  response?: {
    status: number;
    headers: Record<string, string[]>;
    body: Buffer;
    /** False when the body is shorter than Content-Length or the chunked body is cut. */
    bodyComplete: boolean;
  };
}

function parseHead(bytes: Buffer): { status: number; headers: Record<string, string[]>; headEnd: number } | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const lines = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (!status) return undefined;
  const headers: Record<string, string[]> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  return { status: Number(status[1]), headers, headEnd: headEnd + 4 };
}

/** Decodes a chunked body; `complete` once the last chunk and its trailer arrived. */
function dechunk(bytes: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return { body: Buffer.concat(parts), complete: false };
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (Number.isNaN(size)) return { body: Buffer.concat(parts), complete: false };
    if (size === 0) return { body: Buffer.concat(parts), complete: bytes.indexOf('\r\n', lineEnd + 2) >= 0 };
    if (lineEnd + 2 + size + 2 > bytes.length) return { body: Buffer.concat(parts), complete: false };
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Parses the first final (non-1xx, or 101) response in `bytes`. */
export function parseResponse(bytes: Buffer): RawResponse['response'] {
  let rest = bytes;
  for (;;) {
    const head = parseHead(rest);
    if (!head) return undefined;
    const after = rest.subarray(head.headEnd);
    if (head.status >= 100 && head.status < 200 && head.status !== 101) {
      rest = after; // 100 Continue and friends: the real answer follows.
      continue;
    }
    if (head.status === 101 || head.status === 204 || head.status === 304) {
      return { status: head.status, headers: head.headers, body: Buffer.alloc(0), bodyComplete: true };
    }
    if (head.headers['transfer-encoding']?.some((v) => /chunked/i.test(v))) {
      const { body, complete } = dechunk(after);
      return { status: head.status, headers: head.headers, body, bodyComplete: complete };
    }
    const length = head.headers['content-length']?.[0];
    if (length !== undefined) {
      const n = Number(length);
      return { status: head.status, headers: head.headers, body: after.subarray(0, n), bodyComplete: after.length >= n };
    }
    // No length: the body runs to the end of the connection.
    return { status: head.status, headers: head.headers, body: after, bodyComplete: false };
  }
}

/**
 * Writes `request` on a fresh TCP connection and reads until the server ends the
 * connection, a full response arrived (by Content-Length, chunked end, or a 101 head),
 * or `timeoutMs` passed. Never rejects.
 */
export function rawExchange(port: number, request: Buffer | string, timeoutMs = 5_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket: Socket = tcpConnect(port, '127.0.0.1');
    let raw = Buffer.alloc(0);
    let settled = false;
    let noLength = false;
    const finish = (ending: RawResponse['ending']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const response = parseResponse(raw);
      // A body without a length runs to the end of the connection, however the server ended it.
      if (response && noLength && (ending === 'end' || ending === 'reset')) response.bodyComplete = true;
      resolve({ raw, ending, ...(response ? { response } : {}) });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      raw = Buffer.concat([raw, chunk]);
      const response = parseResponse(raw);
      if (!response) return;
      const head = parseHead(raw);
      noLength = response.status !== 101 && !head?.headers['content-length'] && !head?.headers['transfer-encoding'];
      if (response.bodyComplete) finish('complete');
    });
    socket.on('end', () => finish('end'));
    socket.on('close', () => finish('end'));
    socket.on('error', () => finish('reset'));
    socket.write(request);
  });
}

/**
 * Whether Node's own HTTP parser (this Node, default options, as the gateway's server
 * uses it) lets `request` reach a listener: a reference server in this process sees a
 * 'request' or 'upgrade' event, or a 'clientError' when the parser refuses it.
 */
export class NodeParserOracle {
  private constructor(private readonly server: Server) {}

  static async start(): Promise<NodeParserOracle> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new NodeParserOracle(server);
  }

  async accepts(request: Buffer | string): Promise<boolean> {
    let decide!: (accepted: boolean) => void;
    const verdict = new Promise<boolean>((resolve) => (decide = resolve));
    const onRequest = (_req: IncomingMessage, res: ServerResponse) => {
      decide(true);
      res.end();
    };
    const onUpgrade = (_req: IncomingMessage, socket: Duplex) => {
      decide(true);
      socket.destroy();
    };
    const onClientError = (_error: Error, socket: Duplex) => {
      decide(false);
      socket.destroy();
    };
    this.server.on('request', onRequest).on('upgrade', onUpgrade).on('clientError', onClientError);
    try {
      const { port } = this.server.address() as AddressInfo;
      await rawExchange(port, request, 5_000);
      // Neither event within the exchange: the parser is still waiting, no listener ran.
      decide(false);
      return await verdict;
    } finally {
      this.server.off('request', onRequest).off('upgrade', onUpgrade).off('clientError', onClientError);
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** What is wrong with an HTTP error answer the gateway itself wrote, or undefined. */
export function jsonErrorProblem(response: NonNullable<RawResponse['response']>): string | undefined {
  const type = response.headers['content-type']?.[0] ?? '';
  if (!/^application\/json\b/i.test(type)) return `Content-Type is ${JSON.stringify(type)}, not application/json`;
  if (!response.bodyComplete) return 'the body is cut short';
  let body: unknown;
  try {
    body = JSON.parse(response.body.toString('utf8'));
  } catch {
    return `the body is not JSON: ${JSON.stringify(response.body.toString('utf8').slice(0, 120))}`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
    return `the body is not {"error":{"code","message"}}: ${JSON.stringify(body).slice(0, 120)}`;
  }
  if (!PROTOCOL_ERROR_CODES.has(error.code)) return `error code ${error.code} is not one of the protocol's codes`;
  return undefined;
}

/** The JSON body of a parsed response, or undefined when it is not JSON. */
export function jsonBody(response: NonNullable<RawResponse['response']>): any {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Development-mode gateways
// ---------------------------------------------------------------------------------------

/** A token from a development-mode gateway's `POST /dev/token`. */
export async function devToken(gateway: RunningGateway, userId: string): Promise<string> {
  const response = await fetch(gateway.http('/dev/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (response.status !== 201) throw new Error(`dev token refused: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/**
 * `expectServing` for a development-mode gateway, whose tokens come from `/dev/token`
 * (it verifies nothing signed with the test secret): alive, `/health` 200, and a fresh
 * connection gets its welcome and a pong.
 */
export async function expectServingDev(gateway: RunningGateway, userId = 'canary'): Promise<void> {
  expect(gateway.child.exitCode).toBeNull();
  const health = await fetch(gateway.http('/health'));
  expect(health.status).toBe(200);
  const token = await devToken(gateway, userId);
  const { client, welcome } = await connect(gateway.ws(), { headers: { authorization: `Bearer ${token}` } });
  expect(welcome.type).toBe('welcome');
  const pong = await client.request({ type: 'ping', id: 'serving-check' });
  expect(pong.type).toBe('pong');
  await client.close();
}
