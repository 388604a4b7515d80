import { FakeGateway } from '../support/fake-gateway.js';
import { SdkChild } from '../support/sdk-child.js';

const CONNECT_TIMEOUT_MS = 300;
const BACKOFF = { initialMs: 100, factor: 2, maxMs: 1_000 };
/** Timers and loopback latency make a gap a few ms shorter than its delays at worst. */
const SLACK_MS = 25;

/**
 * The SDK in a Node process of its own. Backoff has no jitter (`random` is 1), so the test
 * knows each delay; it connects once its listeners are on, so its first state is reported.
 */
const runSdk = (url: string) => SdkChild.start({ url, options: { connectTimeoutMs: CONNECT_TIMEOUT_MS, backoff: BACKOFF }, random: 1, lateConnect: true });

describe('a WebSocket handshake that never completes, in a Node process', () => {
  let server: FakeGateway;
  let child: SdkChild | undefined;
  beforeEach(async () => {
    // Discovery and tickets are served, but every WebSocket upgrade is read and never answered.
    server = await FakeGateway.start({ limits: { rateLimit: { messages: 100, intervalMs: 1_000, burst: 20 } } });
    server.upgradeMode = 'stall';
  });
  afterEach(async () => {
    if (child?.alive) child.child.kill();
    child = undefined;
    await server.close();
  });

  it('is abandoned after connectTimeoutMs and retried with backoff; the process survives, reports typed events, and exits 0 on close', async () => {
    const sdk = runSdk(server.url);
    child = sdk;
    // Four upgrades mean three handshakes the connect timeout abandoned.
    const outcome = await Promise.race([server.stalled(4, 10_000).then(() => 'retried'), sdk.exited.then(() => 'exited')]);
    if (outcome === 'exited') throw new Error(`the SDK process died after ${server.upgrades.length} upgrade(s):\n${sdk.stderr(true)}`);
    expect(sdk.child.exitCode).toBeNull();

    const { code, signal } = await sdk.stop();
    expect({ code, signal, stderr: sdk.stderr(true) }).toEqual({ code: 0, signal: null, stderr: '' });

    // No jitter: attempt n waits the connect timeout, then the full backoff ceiling of retry n.
    const gaps = server.upgrades.slice(1, 4).map((at, n) => at - server.upgrades[n]);
    gaps.forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS + BACKOFF.initialMs * BACKOFF.factor ** n - SLACK_MS));

    const states = sdk.log.named('state').map((line) => line.state);
    expect(states).toEqual(['connecting', 'reconnecting', 'closed']);
    const errors = sdk.log.named('error');
    expect(errors.length).toBeGreaterThanOrEqual(3);
    for (const error of errors) {
      expect(error).toMatchObject({ name: 'SwitchboardError', code: 'TIMEOUT', recoverable: true });
      expect(error.message).toContain(`${CONNECT_TIMEOUT_MS} ms`);
    }
  });
});
