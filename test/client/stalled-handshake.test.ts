import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { StallingGateway } from '../support/stalling-gateway.js';

const SDK_PROCESS = fileURLToPath(new URL('../support/sdk-process.mjs', import.meta.url));
const CONNECT_TIMEOUT_MS = 300;
const BACKOFF = { initialMs: 100, factor: 2, maxMs: 1_000 };
/** Timers and loopback latency make a gap a few ms shorter than its delays at worst. */
const SLACK_MS = 25;

type Line = { event: 'state'; state: string; previous: string } | { event: 'error'; name: string; code: string; recoverable: boolean; message: string };

/** The SDK in a Node process of its own, whose stdout lines are parsed as they come. */
function runSdk(url: string): { child: ChildProcess; lines: Line[]; stderr: () => string; exited: Promise<[number | null, NodeJS.Signals | null]> } {
  const options = { url, connectTimeoutMs: CONNECT_TIMEOUT_MS, backoff: BACKOFF };
  const child = spawn(process.execPath, [SDK_PROCESS, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const complete = stdout.split('\n');
    stdout = complete.pop()!;
    lines.push(...complete.map((text) => JSON.parse(text) as Line));
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close' rather than 'exit': it comes once stdout is read to the end.
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, lines, stderr: () => stderr, exited };
}

describe('a WebSocket handshake that never completes, in a Node process', () => {
  let server: StallingGateway;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    server = await StallingGateway.start();
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill();
    await server.close();
  });

  it('is abandoned after connectTimeoutMs and retried with backoff; the process survives, reports typed events, and exits 0 on close', async () => {
    const sdk = runSdk(server.url);
    child = sdk.child;
    // Four upgrades mean three handshakes the connect timeout abandoned.
    const outcome = await Promise.race([server.upgraded(4).then(() => 'retried'), sdk.exited.then(() => 'exited')]);
    if (outcome === 'exited') throw new Error(`the SDK process died after ${server.upgrades.length} upgrade(s):\n${sdk.stderr()}`);
    expect(sdk.child.exitCode).toBeNull();

    sdk.child.stdin!.end();
    const [code, signal] = await sdk.exited;
    expect({ code, signal, stderr: sdk.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });

    // No jitter: attempt n waits the connect timeout, then the full backoff ceiling of retry n.
    const gaps = server.upgrades.slice(1, 4).map((at, n) => at - server.upgrades[n]);
    gaps.forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS + BACKOFF.initialMs * BACKOFF.factor ** n - SLACK_MS));

    const states = sdk.lines.filter((line) => line.event === 'state').map((line) => line.state);
    expect(states).toEqual(['connecting', 'reconnecting', 'closed']);
    const errors = sdk.lines.filter((line) => line.event === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(3);
    for (const error of errors) {
      expect(error).toMatchObject({ name: 'SwitchboardError', code: 'TIMEOUT', recoverable: true });
      expect(error.message).toContain(`${CONNECT_TIMEOUT_MS} ms`);
    }
  });
});
