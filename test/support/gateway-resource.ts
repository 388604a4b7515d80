import { once } from 'node:events';
import { startGateway, type RunningGateway } from './gateway-process.js';

/** The environment of a gateway, or a function that reads it once earlier `beforeAll` hooks have run. */
export type GatewayEnv = Record<string, string> | (() => Record<string, string>);

/** How long a stopping gateway may drain before it is killed, so that no test leaves a process behind. */
const STOP_GRACE_MS = 15_000;

/**
 * Stops `gateway` however far it got: nothing to do once it has exited, waits for it when a
 * test already sent it a signal (a drain under test), SIGTERM otherwise, and SIGKILL when it
 * has not exited within {@link STOP_GRACE_MS}. Resolves once its pipes are closed, so that
 * `output()` and `logs()` are complete.
 */
export async function disposeGateway(gateway: RunningGateway): Promise<void> {
  const { child } = gateway;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    if (!child.killed) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_GRACE_MS)));
    const outcome = await Promise.race([exited, grace]);
    clearTimeout(timer);
    if (outcome === 'late') {
      child.kill('SIGKILL');
      await exited;
    }
  }
  await Promise.all([child.stdout, child.stderr].map((stream) => (stream && !stream.closed ? once(stream, 'close') : undefined)));
}

/**
 * Runs `body` against a gateway of its own and stops that gateway afterwards, whether `body`
 * passes, throws, or stopped the gateway itself. For a test that needs a gateway the rest of
 * its file does not share. (Not `await using`: Jest runs each file in a vm context whose
 * `Symbol` has no `asyncDispose`, so it would need a polyfill.)
 *
 * @example
 * await withGateway({ ...SECRET_ENV, MAX_CONNECTIONS: '1' }, async (gw) => {
 *   expect((await fetch(gw.http('/health'))).status).toBe(200);
 * });
 */
export async function withGateway<T>(env: Record<string, string>, body: (gateway: RunningGateway) => Promise<T>): Promise<T> {
  const gateway = await startGateway(env);
  try {
    return await body(gateway);
  } finally {
    await disposeGateway(gateway);
  }
}

/**
 * Starts a gateway in `beforeAll` and stops it in `afterAll` of the enclosing describe block
 * (or file). The handle it returns stands for that gateway: read its members inside hooks and
 * tests, not while the file is being collected. Hooks run in the order they are declared, so
 * a `beforeAll` that prepares what `env` reads goes above this call, and an `afterAll` that must
 * run while the gateway still serves goes above it too.
 *
 * @example
 * const gw = useGateway({ ...SECRET_ENV, HISTORY_SIZE: '5' });
 * it('serves', async () => expect((await fetch(gw.http('/health'))).status).toBe(200));
 */
export function useGateway(env: GatewayEnv): RunningGateway {
  let current: RunningGateway | undefined;
  beforeAll(async () => {
    current = await startGateway(typeof env === 'function' ? env() : env);
  });
  afterAll(async () => {
    if (current) await disposeGateway(current);
  });
  const started = (): RunningGateway => {
    if (current) return current;
    throw new Error('useGateway: the gateway is read outside a hook or test, or it did not start');
  };
  return {
    get port() {
      return started().port;
    },
    get child() {
      return started().child;
    },
    output: () => started().output(),
    logs: () => started().logs(),
    http: (path) => started().http(path),
    ws: (path) => started().ws(path),
    stop: (signal) => started().stop(signal),
    waitForLog: (predicate) => started().waitForLog(predicate),
  };
}
