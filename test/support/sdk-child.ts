import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ClientOptions, Json } from '@switchboard/client';
import { EventLog, type SdkEvent, type SdkUnderTest } from './event-log.js';

const SCRIPT = fileURLToPath(new URL('./sdk-child-script.mjs', import.meta.url));

/** How long a command may take beyond its own timeout before the test gives up on it. */
const REPLY_SLACK_MS = 3_000;

/** Options of the child's client that survive JSON: no functions, no WebSocket class. */
export type ChildClientOptions = Partial<Pick<ClientOptions, 'backoff' | 'connectTimeoutMs' | 'requestTimeoutMs' | 'pongTimeoutMs'>>;

export interface SdkChildConfig {
  /** The gateway's base URL. */
  url: string;
  /** What `getToken` returns, every time. @default 'token' (the fake gateway takes any) */
  token?: string;
  /** A channel to subscribe to at once; its events are reported. */
  channel?: string;
  options?: ChildClientOptions;
  /** A constant for the client's `random`: 1 takes every backoff delay at its full ceiling (no jitter). @default Math.random */
  random?: number;
  /** Connect only once the listeners are on, so the first `idle→connecting` change is reported too. @default false: `createClient` connects before */
  lateConnect?: boolean;
}

/**
 * The SDK (libs/client/dist, as `@switchboard/client` resolves) in a Node process of its
 * own, running sdk-child-script.mjs: whatever the SDK lets escape ends that process, not jest's.
 * Its stdout lines fill {@link log}; its exit makes every wait on the log reject.
 */
export class SdkChild implements SdkUnderTest {
  readonly log = new EventLog();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private errors = '';
  private nextRef = 0;

  private constructor(readonly child: ChildProcess) {
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) this.log.push(parseLine(line));
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.errors += chunk.toString()));
    // 'close' rather than 'exit': it comes once stdout and stderr are read to the end.
    this.exited = once(child, 'close').then(([code, signal]) => {
      this.log.die(`the SDK process exited (code ${code}, signal ${signal}); stderr: ${this.errors.trim().split('\n').slice(0, 5).join(' | ')}`);
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
  }

  static start(config: SdkChildConfig): SdkChild {
    const child = spawn(process.execPath, [SCRIPT, JSON.stringify({ token: 'token', ...config })], { stdio: ['pipe', 'pipe', 'pipe'] });
    return new SdkChild(child);
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** stderr without Node's own warnings (`(node:123) SomeWarning: …` and their follow-up lines), or all of it with `keepWarnings`. */
  stderr(keepWarnings = false): string {
    if (keepWarnings) return this.errors;
    return this.errors
      .split('\n')
      .filter((line) => !/^\(node:\d+\) \w*Warning|^\(Use `node --trace-warnings|^Timeout duration was set to/.test(line))
      .join('\n')
      .trim();
  }

  request(type: string, payload: Json, timeoutMs?: number): Promise<SdkEvent> {
    return this.command({ op: 'request', type, payload, timeoutMs }, timeoutMs);
  }

  /** Publishes to `channel`; answers like {@link request}. */
  publish(channel: string, payload: Json, timeoutMs?: number): Promise<SdkEvent> {
    return this.command({ op: 'publish', channel, payload, timeoutMs }, timeoutMs);
  }

  inspect(): Promise<SdkEvent> {
    return this.command({ op: 'inspect' }, 0);
  }

  /** `promise`, unless the process exits first: then a rejection saying how it ended. */
  guard<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.exited.then(() => Promise.reject(new Error(this.log.dead)))]);
  }

  /** Closes the client (stdin ends) and resolves with how the process ended; kills it if it lingers. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.alive) this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private command(command: Record<string, unknown>, timeoutMs = 10_000): Promise<SdkEvent> {
    const ref = ++this.nextRef;
    if (this.alive) this.child.stdin!.write(`${JSON.stringify({ ...command, ref })}\n`);
    const what = `the answer to ${JSON.stringify(command).slice(0, 120)}`;
    return this.log.next((e) => e.ref === ref, what, { timeoutMs: timeoutMs + REPLY_SLACK_MS });
  }
}

/** A stdout line as an event; anything else the process printed is kept as `stdout`. */
function parseLine(line: string): SdkEvent {
  try {
    return JSON.parse(line) as SdkEvent;
  } catch {
    return { event: 'stdout', text: line };
  }
}
