import { once } from 'node:events';
import WebSocket from 'ws';
import { SUBPROTOCOL } from '@switchboard/protocol';

export type Frame = { type: string; id?: string; payload?: any; ts?: number; [key: string]: unknown };

/** A real `ws` client that queues frames so tests await them in order. */
export class TestSocket {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: Array<() => void> = [];
  private read = 0;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = once(socket, 'close').then(([code, reason]) => {
      for (const wake of this.waiters.splice(0)) wake();
      return { code: code as number, reason: String(reason) };
    });
  }

  /** The next frame not read yet; rejects if the socket closes first. */
  async next(): Promise<Frame> {
    while (this.read >= this.frames.length) {
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting for a frame');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.frames[this.read++];
  }

  /** Skips frames until one of `type` arrives. */
  async nextOfType(type: string): Promise<Frame> {
    for (;;) {
      const frame = await this.next();
      if (frame.type === type) return frame;
    }
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a frame and returns the answer that echoes its id. */
  async request(frame: { id: string } & Record<string, unknown>): Promise<Frame> {
    this.send(frame);
    for (;;) {
      const answer = await this.next();
      if (answer.id === frame.id) return answer;
    }
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) {
      this.socket.close(1000);
      await this.closed;
    }
  }
}

export interface ConnectOptions {
  headers?: Record<string, string>;
  protocols?: string[];
}

/** Opens a WebSocket and resolves with the socket and its `welcome` frame. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<{ client: TestSocket; welcome: Frame }> {
  const socket = new WebSocket(url, options.protocols ?? [SUBPROTOCOL], { headers: options.headers });
  const client = new TestSocket(socket);
  await Promise.race([
    once(socket, 'open'),
    once(socket, 'unexpected-response').then(([, response]) => {
      throw new Error(`handshake refused: ${response.statusCode}`);
    }),
  ]);
  const welcome = await client.next();
  return { client, welcome };
}

/** What the gateway answered a handshake it refused. */
export interface Refusal {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error: { code: string; message: string } };
}

/** Attempts a handshake that must be refused; resolves with the HTTP answer. */
export async function refusedHandshake(url: string, options: ConnectOptions = {}): Promise<Refusal> {
  const socket = new WebSocket(url, options.protocols ?? [SUBPROTOCOL], { headers: options.headers });
  socket.on('error', () => undefined);
  const outcome = await Promise.race([
    once(socket, 'upgrade').then(() => undefined),
    once(socket, 'unexpected-response').then(([, response]) => response),
  ]);
  if (!outcome) {
    socket.terminate();
    throw new Error('handshake was accepted');
  }
  let text = '';
  for await (const chunk of outcome) text += chunk;
  socket.terminate();
  return { status: outcome.statusCode, headers: outcome.headers, body: JSON.parse(text) };
}

/** How a handshake that may go either way went. */
export type HandshakeOutcome =
  | { accepted: true; client: TestSocket }
  | { accepted: false; status: number; code: string; message: string };

/** Attempts a handshake that may be accepted or refused; an accepted one has had its welcome. */
export async function attemptHandshake(url: string, options: ConnectOptions = {}): Promise<HandshakeOutcome> {
  const socket = new WebSocket(url, options.protocols ?? [SUBPROTOCOL], { headers: options.headers });
  socket.on('error', () => undefined);
  // Listening from the start: the welcome can arrive in the same chunk as the 101.
  const client = new TestSocket(socket);
  // A refused handshake makes `closed` reject; that is an expected outcome here, not a failure.
  client.closed.catch(() => undefined);
  const refused = await Promise.race([
    once(socket, 'open').then(() => undefined),
    once(socket, 'unexpected-response').then(([, response]) => response),
  ]);
  if (!refused) {
    expect((await client.next()).type).toBe('welcome');
    return { accepted: true, client };
  }
  let text = '';
  for await (const chunk of refused) text += chunk;
  socket.terminate();
  const { error } = JSON.parse(text) as { error: { code: string; message: string } };
  return { accepted: false, status: refused.statusCode, code: error.code, message: error.message };
}
