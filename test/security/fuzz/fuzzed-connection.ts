/** One fuzzed connection: send in windows, match every answer to its frame. */
import WebSocket from 'ws';
import { ErrorCode, SUBPROTOCOL } from '@switchboard/protocol';
import type { RunningGateway } from '../../support/gateway-process.js';
import type { Frame } from '../../support/test-socket.js';
import { signToken } from '../../support/tokens.js';
import { PROTOCOL_ERROR_CODES } from '../hostile-input.js';
import { expectationFor, type Expectation } from './frame-oracle.js';
import type { FrameGenerator } from './frame-generator.js';
import type { FuzzContext } from './fuzz-context.js';
import { MAX_MESSAGE_BYTES } from './gateway-defaults.js';

/** Frames sent between two ping round trips: each window's answers are all in before the next. */
const WINDOW = 500;

interface Pending extends Expectation {
  n: number;
  category: string;
  excerpt: string;
}

interface RunReport {
  sent: number;
  byCategory: Record<string, number>;
  outcomes: Record<string, number>;
  violations: number;
  examples: string[];
}

const excerpt = (text: string) => `${JSON.stringify(text.length > 140 ? `${text.slice(0, 140)}…` : text)} (${Buffer.byteLength(text)} bytes)`;

class FuzzedConnection {
  private readonly byId = new Map<string, Pending>();
  private readonly withoutId: Pending[] = [];
  private readonly syncs = new Map<string, () => void>();
  private readonly lastOffset = new Map<string, { epoch: string; offset: number }>();
  readonly report: RunReport = { sent: 0, byCategory: {}, outcomes: {}, violations: 0, examples: [] };
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(
    readonly socket: WebSocket,
    private readonly conn: number,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    socket.on('error', (error) => this.violation(`socket error: ${error.message}`));
    this.closed = new Promise((resolve) => socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
  }

  private violation(problem: string): void {
    this.report.violations++;
    if (this.report.examples.length < 8) this.report.examples.push(`[connection ${this.conn}] ${problem}`);
  }

  private receive(data: Buffer, isBinary: boolean): void {
    let answer: Frame;
    try {
      if (isBinary) throw new Error('binary');
      answer = JSON.parse(data.toString('utf8')) as Frame;
    } catch {
      return this.violation(`gateway sent a frame that is not JSON text: ${excerpt(data.toString('utf8'))}`);
    }
    if (answer.type === 'message') return this.message(answer);
    if (answer.type === 'pong' && typeof answer.id === 'string' && this.syncs.has(answer.id)) {
      const wake = this.syncs.get(answer.id)!;
      this.syncs.delete(answer.id);
      return wake();
    }
    const outcome = answer.type === 'error' ? `error:${answer.payload?.code}` : answer.type;
    this.report.outcomes[outcome] = (this.report.outcomes[outcome] ?? 0) + 1;
    if (answer.type === 'error') {
      const code = answer.payload?.code;
      if (!PROTOCOL_ERROR_CODES.has(code)) this.violation(`error code ${JSON.stringify(code)} is not one of the protocol's: ${excerpt(data.toString())}`);
      if (code === ErrorCode.INTERNAL) this.violation(`INTERNAL answered: ${excerpt(data.toString())}`);
    }
    let pending: Pending | undefined;
    if (answer.id !== undefined) {
      pending = typeof answer.id === 'string' ? this.byId.get(answer.id) : undefined;
      if (!pending) return this.violation(`answer with an id no pending frame has (late, duplicate or invented): ${excerpt(data.toString())}`);
      this.byId.delete(answer.id);
    } else {
      pending = this.withoutId.shift();
      if (!pending) return this.violation(`answer without id while no frame without a valid id is pending: ${excerpt(data.toString())}`);
    }
    if (!pending.allowed.includes(outcome)) {
      this.violation(
        `frame #${pending.n} [${pending.category}] ${pending.excerpt}: answered ${outcome}, expected ${pending.allowed.join(' or ')}` +
          `${pending.id === undefined ? ' (matched in order among frames without a valid id)' : ''}; answer ${excerpt(data.toString())}`,
      );
    } else if (outcome === 'ack' && pending.check) {
      const problem = pending.check(answer);
      if (problem) this.violation(`frame #${pending.n} [${pending.category}] ${pending.excerpt}: ${problem}; answer ${excerpt(data.toString())}`);
    }
  }

  /** Channel publications: per channel, offsets only grow within an epoch. */
  private message(frame: Frame): void {
    const { channel, offset, epoch } = frame as Frame & { channel?: unknown; offset?: unknown; epoch?: unknown };
    if (typeof channel !== 'string' || typeof offset !== 'number' || typeof epoch !== 'string') {
      return this.violation(`message frame without channel, offset and epoch: ${excerpt(JSON.stringify(frame))}`);
    }
    const last = this.lastOffset.get(channel);
    if (last && last.epoch === epoch && offset <= last.offset) {
      this.violation(`message on ${channel} with offset ${offset} after ${last.offset}`);
    }
    this.lastOffset.set(channel, { epoch, offset });
  }

  private sync(id: string): Promise<void> {
    return new Promise((resolve) => {
      this.syncs.set(id, resolve);
      this.socket.send(JSON.stringify({ type: 'ping', id }));
    });
  }

  /** Sends `total` frames in windows; after each, two ping round trips prove every answer is in. */
  async run(generator: FrameGenerator, ctx: FuzzContext, total: number): Promise<void> {
    let aborted: string | undefined;
    void this.closed.then(({ code, reason }) => (aborted = `connection closed ${code} ${reason}`));
    for (let sent = 0; sent < total && !aborted; ) {
      const size = Math.min(WINDOW, total - sent);
      for (let i = 0; i < size; i++) {
        const candidate = generator.next();
        const n = ++sent;
        this.report.byCategory[candidate.category] = (this.report.byCategory[candidate.category] ?? 0) + 1;
        if (candidate.binary) {
          this.withoutId.push({ n, category: candidate.category, excerpt: `<binary ${candidate.binary.length} bytes>`, allowed: ['error:UNSUPPORTED_DATA'] });
          this.socket.send(candidate.binary, { binary: true });
          continue;
        }
        const bytes = Buffer.from(candidate.text!, 'utf8');
        if (bytes.length > MAX_MESSAGE_BYTES) throw new Error(`generator made a ${bytes.length}-byte frame [${candidate.category}]`);
        const wire = bytes.toString('utf8');
        const expectation = expectationFor(wire, ctx);
        const pending: Pending = { ...expectation, n, category: candidate.category, excerpt: excerpt(wire) };
        if (expectation.id === undefined) this.withoutId.push(pending);
        else if (this.byId.has(expectation.id)) throw new Error(`generator reused id ${expectation.id}`);
        else this.byId.set(expectation.id, pending);
        this.socket.send(bytes, { binary: false });
      }
      this.report.sent = sent;
      const window = Math.ceil(sent / WINDOW);
      const settled = Promise.race([
        this.sync(`sync:${this.conn}:${window}:a`).then(() => this.sync(`sync:${this.conn}:${window}:b`)),
        this.closed,
      ]);
      await settled;
      if (aborted) break;
      for (const pending of [...this.byId.values(), ...this.withoutId]) {
        this.violation(`frame #${pending.n} [${pending.category}] ${pending.excerpt}: no answer (expected ${pending.allowed.join(' or ')}${pending.id ? ` with id ${JSON.stringify(pending.id)}` : ''})`);
      }
      this.byId.clear();
      this.withoutId.length = 0;
    }
    if (aborted) this.violation(`${aborted} after ${this.report.sent} frames`);
  }
}

export async function openFuzzSocket(gateway: RunningGateway, userId: string): Promise<FuzzedConnection> {
  const token = await signToken(userId);
  const socket = new WebSocket(gateway.ws(), [SUBPROTOCOL], { headers: { authorization: `Bearer ${token}` } });
  const welcome = new Promise<void>((resolve, reject) => {
    socket.once('message', (data: Buffer) => (JSON.parse(data.toString()).type === 'welcome' ? resolve() : reject(new Error(`first frame: ${data}`))));
    socket.once('error', reject);
  });
  await welcome;
  return new FuzzedConnection(socket, Number(userId.split('-').pop()));
}
