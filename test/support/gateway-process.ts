import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url));

/** Longer than any start seen on a loaded machine, and short of Jest's 30 s hook timeout, which would leave the process behind. */
const STARTUP_DEADLINE_MS = 20_000;

/** Environment variables the tests never inherit from the machine. */
const SCRUBBED = /^(JWT_|ALLOWED_ORIGINS|PUBLIC_URL|MAX_|RATE_LIMIT_|HEARTBEAT_MS|TICKET_|DRAIN_|AUTH_QUERY_TOKEN|HANDSHAKE_RATE|CONNECTION_POLICY|TRUST_PROXY|HTTP_|HISTORY_|ENGINE|PUBLISH_|SLOT_|REDIS_|NODE_ID|NODE_ENV|PORT|HOST|LOG_LEVEL)/;

/** A gateway process started for a test, on an ephemeral port. */
export interface RunningGateway {
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** Parsed JSON log lines from stdout. */
  logs(): Array<Record<string, unknown>>;
  http(path: string): string;
  ws(path?: string): string;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves when a log line satisfies `predicate`. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !SCRUBBED.test(key)));
  return { ...inherited, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env };
}

/** Runs the built gateway with `env` and nothing else of the machine's configuration. */
export function runGatewayProcess(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [MAIN], { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Starts a gateway and resolves once it listens; rejects with its output (and kills it) if it exits first or never listens. */
export async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const { child, output } = runGatewayProcess(env);
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<{ test: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop()!;
    for (const text of complete) {
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const waiter of waiters) {
        if (waiter.test(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  });
  // 'close' rather than 'exit': it comes once stdout and stderr are read to the end.
  const exited = once(child, 'close');
  const waitForLog = (test: (l: Record<string, unknown>) => boolean) => {
    const seen = lines.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve) => waiters.add({ test, resolve }));
  };
  let deadline: NodeJS.Timeout | undefined;
  const listening = await Promise.race([
    waitForLog((l) => l.msg === 'gateway listening'),
    exited.then(([code]) => {
      throw new Error(`gateway exited with ${code} before listening:\n${output()}`);
    }),
    new Promise<never>((_resolve, reject) => {
      deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`gateway did not listen within ${STARTUP_DEADLINE_MS} ms, killed:\n${output()}`));
      }, STARTUP_DEADLINE_MS);
    }),
  ]).finally(() => clearTimeout(deadline));
  const port = listening.port as number;
  return {
    port,
    child,
    output,
    logs: () => lines,
    http: (path) => `http://127.0.0.1:${port}${path}`,
    ws: (path = '/ws') => `ws://127.0.0.1:${port}${path}`,
    waitForLog,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}
