import { fileURLToPath } from 'node:url';
import { startExampleBackend } from '../../examples/backend-node/server.mjs';
import { FakeGateway } from '../support/fake-gateway.js';
import { ECHO } from '../support/fuzz-session.js';
import { freePort } from '../support/free-port.js';
import { useGateway } from '../support/gateway-resource.js';
import { SdkChild, type ChildClientOptions } from '../support/sdk-child.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { SECRET_ENV, signToken } from '../support/tokens.js';

const SCHEMAS = fileURLToPath(new URL('../../examples/messages/schemas', import.meta.url));
const BACKEND_SECRET = 'faults-backend-secret-0123456789abcdef0123';
const API_KEY = 'faults-api-key-0123456789abcdef0123456789ab';
const CHANNEL = 'room:faults';
const claims = { channels: ['room:*'], publish: ['room:*'] };
const BACKOFF = { initialMs: 20, factor: 2, maxMs: 200 };
/** Short enough that a stalled handshake is abandoned, and a blackholed connection found dead, within a second. */
const OPTIONS: ChildClientOptions = { backoff: BACKOFF, connectTimeoutMs: 500, pongTimeoutMs: 400 };

describe('the SDK in a Node process across network faults', () => {
  let backendPort: number;
  let backend: { close(): Promise<void> };
  let proxy: TcpProxy;
  let stalling: FakeGateway;
  let child: SdkChild | undefined;

  beforeAll(async () => {
    backendPort = await freePort();
  });
  // Above useGateway, so that these close while the gateway still serves.
  afterAll(async () => {
    await stalling?.close();
    await proxy?.close();
    await backend?.close();
  });
  const gw = useGateway(() => ({ ...SECRET_ENV, HEARTBEAT_MS: '400', MESSAGE_SCHEMAS_DIR: SCHEMAS, BACKEND_URL: `http://127.0.0.1:${backendPort}/messages`, BACKEND_SECRET, API_KEY }));
  beforeAll(async () => {
    backend = await startExampleBackend({ port: backendPort, secret: BACKEND_SECRET, gatewayUrl: gw.http(''), apiKey: API_KEY, log: { error: () => undefined } });
    proxy = await TcpProxy.start(gw.port);
    stalling = await FakeGateway.start();
    stalling.upgradeMode = 'stall';
  });
  afterEach(async () => {
    await child?.stop();
    child = undefined;
  });

  it('rides out repeated cuts, a stall, an unreachable gateway and a handshake that never completes, then requests, publishes and gets its publication exactly once', async () => {
    child = SdkChild.start({ url: proxy.url, token: await signToken('faulty', claims), channel: CHANNEL, options: OPTIONS });
    const { log } = child;
    await log.next((e) => e.event === 'subscription' && e.state === 'subscribed', 'the subscription');
    /** Runs `fault`, then waits for the client to drop and to be open again once `heal` has run. */
    const survive = async (fault: () => void, heal: () => Promise<unknown> = async () => undefined) => {
      const from = log.events.length;
      fault();
      await log.state('reconnecting', { from });
      await heal();
      await log.state('open', { from });
    };

    for (let cut = 0; cut < 3; cut++) await survive(() => proxy.cut());
    // Nothing passes, nothing closes: only the heartbeat can tell.
    await survive(() => proxy.blackhole());
    const nobody = await freePort();
    const from = log.events.length;
    await survive(
      () => {
        proxy.retarget(nobody);
        proxy.cut();
      },
      async () => {
        await log.nth(2, (e) => e.event === 'error' && e.code === 'NETWORK', 'two refused attempts', { from });
        proxy.retarget(gw.port);
      },
    );
    await survive(
      () => {
        proxy.retarget(stalling.port);
        proxy.cut();
      },
      async () => {
        // Two upgrades held: the first was abandoned after connectTimeoutMs and retried.
        await child!.guard(stalling.stalled(2));
        proxy.retarget(gw.port);
      },
    );

    const reply = await child.request('chat.send', { text: 'after the faults' });
    expect(reply).toMatchObject({ ok: true, payload: { accepted: true, messageId: expect.any(String) } });
    const published = await child.publish(CHANNEL, { after: 'faults' });
    expect(published).toMatchObject({ ok: true, payload: { offset: expect.any(Number), epoch: expect.any(String) } });
    const { offset, epoch } = published.payload as { offset: number; epoch: string };
    const isIt = (e: { event: string; offset?: unknown; epoch?: unknown }) => e.event === 'message' && e.offset === offset && e.epoch === epoch;
    await log.next(isIt, 'the publication');
    // One more round trip: a duplicate would have arrived by its answer.
    expect(await child.request('chat.send', { text: 'settle' })).toMatchObject({ ok: true });
    expect(log.events.filter(isIt)).toEqual([expect.objectContaining({ payload: { after: 'faults' } })]);

    const errors = [...log.named('error'), ...log.named('subscription-error')];
    expect(errors.filter((e) => e.codeType !== 'string' || !e.switchboardError)).toEqual([]);
    expect({ alive: child.alive, stderr: child.stderr(), resets: log.named('reset') }).toEqual({ alive: true, stderr: '', resets: [] });
  });

  it('finds a half-open connection by its heartbeat, and answers a request written to it on the next connection', async () => {
    const scripted = await FakeGateway.start({
      limits: { heartbeatMs: 200 },
      answer: (frame, connection) => {
        if (frame.type === 'ping') connection.send({ type: 'pong', id: frame.id });
        if (frame.type === ECHO) connection.ack(frame.id!, { echo: frame.payload });
        if (frame.type === 'probe.refused') connection.error(frame.id, 'APP_REFUSED', 'refused by the test');
      },
    });
    try {
      child = SdkChild.start({ url: scripted.url, options: OPTIONS });
      await child.log.state('open');
      expect(await child.request('probe.refused', {})).toMatchObject({ ok: false, code: 'APP_REFUSED', recoverable: false, switchboardError: true });

      const from = child.log.events.length;
      (await scripted.connection(0)).halfOpen();
      const reply = child.request(ECHO, 'across', 5_000);
      await child.log.state('reconnecting', { from });
      await child.log.state('open', { from });

      expect(await reply).toMatchObject({ ok: true, payload: { echo: 'across' } });
      const second = await scripted.connection(1);
      expect(second.received.filter((f) => f.type === ECHO)).toEqual([expect.objectContaining({ payload: 'across' })]);
      expect({ alive: child.alive, stderr: child.stderr() }).toEqual({ alive: true, stderr: '' });
    } finally {
      // The gateway first: the client's socket to the half-open connection would wait out its close handshake.
      await scripted.close();
      await child?.stop();
    }
  });

  it('times a request out although every connection it is written to drops before the answer', async () => {
    const TIMEOUT_MS = 1_000;
    // A flapping network: each connection lasts 300 ms after the request reaches it.
    const flapping = await FakeGateway.start({
      answer: (frame, connection) => {
        if (frame.type === 'ping') connection.send({ type: 'pong', id: frame.id });
        if (frame.type === 'probe.unanswered') setTimeout(() => connection.terminate(), 300);
      },
    });
    try {
      child = SdkChild.start({ url: flapping.url, options: OPTIONS });
      await child.log.state('open');
      const reply = await child.request('probe.unanswered', {}, TIMEOUT_MS);

      expect(reply).toMatchObject({ ok: false, code: 'TIMEOUT', switchboardError: true });
      // Not before its time; and not much after it, whichever way reconnects are counted.
      expect(reply.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(reply.elapsedMs).toBeLessThan(TIMEOUT_MS + 6 * BACKOFF.maxMs + 500);
      const writes = flapping.connections.filter((c) => c.received.some((f) => f.type === 'probe.unanswered'));
      expect(writes.length).toBeGreaterThan(1);
      expect({ alive: child.alive, stderr: child.stderr() }).toEqual({ alive: true, stderr: '' });
    } finally {
      await child?.stop();
      await flapping.close();
    }
  });
});
