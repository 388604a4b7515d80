import type { ChannelMessage } from '@switchboard/client';
import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { metric } from '../support/metrics.js';
import { closeClients, reach, sdkClient } from '../support/sdk.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { SECRET_ENV } from '../support/tokens.js';

const API_KEY = 'client-test-api-key-0123456789abcdef012';
const claims = { channels: ['room:*'], publish: ['room:*'] };

const apiPublish = async (gw: RunningGateway, channel: string, payload: unknown) => {
  const response = await fetch(gw.http('/api/publish'), {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel, payload }),
  });
  if (response.status !== 200) throw new Error(`publish failed: ${response.status}`);
};

/** Resolves once `list` holds `count` entries. */
async function collected<T>(list: T[], count: number, onPush: (listener: () => void) => () => void): Promise<void> {
  if (list.length >= count) return;
  await new Promise<void>((resolve) => {
    const stop = onPush(() => {
      if (list.length < count) return;
      stop();
      resolve();
    });
  });
}

describe('client resilience against a real gateway', () => {
  let proxy: TcpProxy;
  // Above useGateway, so that the proxy closes while the gateway still serves.
  afterAll(async () => {
    await proxy.close();
  });
  const gw = useGateway({ ...SECRET_ENV, API_KEY, HEARTBEAT_MS: '400' });
  beforeAll(async () => {
    proxy = await TcpProxy.start(gw.port);
  });
  afterEach(closeClients);

  it('rides out a network drop: queues while down, flushes in order, recovers, delivers each publication once', async () => {
    const client = sdkClient(proxy.url, 'dropper', claims);
    const messages: ChannelMessage[] = [];
    const subscription = client.subscribe('room:drop');
    subscription.on('message', (m) => messages.push(m));
    const resets: unknown[] = [];
    subscription.on('reset', (r) => resets.push(r));
    await reach(client, 'open');
    await new Promise<void>((resolve) => subscription.state === 'subscribed' ? resolve() : subscription.on('state', (s) => s === 'subscribed' && resolve()));
    for (let i = 1; i <= 3; i++) await apiPublish(gw, 'room:drop', { from: 'api', i });
    await collected(messages, 3, (l) => subscription.on('message', l));

    proxy.cut();
    await reach(client, 'reconnecting');
    for (let i = 4; i <= 6; i++) await apiPublish(gw, 'room:drop', { from: 'api', i });
    const queued = [1, 2, 3].map((i) => client.publish('room:drop', { from: 'client', i }));
    expect(client.stats().queuedFrames).toBeGreaterThanOrEqual(3);

    await Promise.all(queued);
    await collected(messages, 9, (l) => subscription.on('message', l));
    expect(messages.map((m) => m.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(messages.slice(6).map((m) => (m.payload as { i: number }).i)).toEqual([1, 2, 3]);
    expect(resets).toEqual([]);
    expect(client.stats().reconnects).toBe(1);
    client.close();
  });

  it('detects a half-open connection, and times a request out while it waits', async () => {
    const client = sdkClient(proxy.url, 'halfopen', claims, { pongTimeoutMs: 400 });
    await reach(client, 'open');
    proxy.blackhole();
    const request = client.request('chat.send', { text: 'lost' }, { timeoutMs: 300 });
    await expect(request).rejects.toMatchObject({ name: 'SwitchboardError', code: 'TIMEOUT', recoverable: true });
    await reach(client, 'reconnecting');
    await reach(client, 'open');
    client.close();
  });

  it('takes a fresh token after 4001 and stops after three credential failures in a row', async () => {
    let tokens = 0;
    let valid = true;
    const { signToken } = await import('../support/tokens.js');
    const client = sdkClient(proxy.url, 'expiring', claims, {
      getToken: async () => {
        tokens++;
        return valid ? signToken('expiring', claims) : 'not-a-token';
      },
    });
    await reach(client, 'open');
    const disconnect = (code: number) =>
      fetch(gw.http('/api/disconnect'), {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'expiring', code }),
      });
    await disconnect(4001);
    await reach(client, 'reconnecting');
    await reach(client, 'open');
    expect(tokens).toBe(2);

    valid = false;
    const failed = new Promise((resolve) => client.on('state', (change) => change.state === 'failed' && resolve(change.reason)));
    await disconnect(4001);
    expect(await failed).toBe('unauthorized');
    expect(tokens).toBe(4);
  });

  it('refreshes its credential in-band before it expires, so the session does not drop', async () => {
    const { signToken } = await import('../support/tokens.js');
    let tokens = 0;
    const client = sdkClient(proxy.url, 'long-session', claims, {
      getToken: async () => {
        tokens++;
        return signToken('long-session', claims, 3);
      },
    });
    const welcome = new Promise<{ expiresAt: number }>((resolve) => client.on('welcome', resolve));
    await reach(client, 'open');
    const { expiresAt } = await welcome;
    // The first credential's expiry has to pass for the test to show anything.
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 1_500));
    expect(tokens).toBeGreaterThanOrEqual(2);
    expect(client.state).toBe('open');
    expect(client.stats().reconnects).toBe(0);
    await expect(client.publish('room:long', 'still here')).resolves.toMatchObject({ offset: 1 });
  });

  it('stops for good on 4003', async () => {
    const client = sdkClient(proxy.url, 'banned', claims);
    await reach(client, 'open');
    const failed = new Promise((resolve) => client.on('state', (change) => change.state === 'failed' && resolve(change.reason)));
    await fetch(gw.http('/api/disconnect'), {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'banned', code: 4003 }),
    });
    expect(await failed).toBe('forbidden');
    await expect(client.request('chat.send', { text: 'x' })).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('refuses a frame over maxMessageBytes locally and stays open', async () => {
    const client = sdkClient(proxy.url, 'big', claims);
    await reach(client, 'open');
    await expect(client.publish('room:big', 'x'.repeat(70_000))).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE', recoverable: false });
    expect(client.state).toBe('open');
    await expect(client.publish('room:big', 'small')).resolves.toMatchObject({ offset: 1 });
    client.close();
  });

  it('rejects with QUEUE_FULL past the queue limit while not connected', async () => {
    const client = sdkClient(proxy.url, 'queued', claims, { autoConnect: false, maxQueuedFrames: 3 });
    const accepted = [1, 2, 3].map((i) => client.publish('room:q', i));
    await expect(client.publish('room:q', 4)).rejects.toMatchObject({ code: 'QUEUE_FULL', recoverable: true });
    expect(client.stats().queuedFrames).toBe(3);
    client.connect();
    expect((await Promise.all(accepted)).map((r) => r.offset)).toEqual([1, 2, 3]);
    client.close();
  });
});

describe('client handshakes refused by the gateway', () => {
  afterEach(closeClients);

  it('keeps retrying a refused handshake (429 TOO_MANY_CONNECTIONS) and connects once there is room; reopens after close()', async () => {
    await withGateway({ ...SECRET_ENV, MAX_CONNECTIONS_PER_USER: '1' }, async (gw) => {
      try {
        const first = sdkClient(gw.http(''), 'crowded', claims);
        await reach(first, 'open');
        const second = sdkClient(gw.http(''), 'crowded', claims);
        await reach(second, 'reconnecting');
        expect(second.state).toBe('reconnecting');
        first.close();
        await reach(second, 'open');

        second.close();
        expect(second.state).toBe('closed');
        second.connect();
        await reach(second, 'open');
        await expect(second.publish('room:again', 1)).resolves.toMatchObject({ offset: 1 });
      } finally {
        closeClients();
      }
    });
  });
});

describe('client pacing', () => {
  afterEach(closeClients);

  it('never trips the gateway rate limit when it follows its own bucket', async () => {
    await withGateway({ ...SECRET_ENV, RATE_LIMIT_MESSAGES: '20', RATE_LIMIT_INTERVAL_MS: '1000', RATE_LIMIT_BURST: '5' }, async (gw) => {
      const client = sdkClient(gw.http(''), 'paced', claims);
      await reach(client, 'open');
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => client.publish('room:paced', i)));
      expect(results.map((r) => r.offset)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(await metric(gw, 'switchboard_rate_limited_frames_total')).toBe(0);
      client.close();
    });
  });
});
