import { fakeEnvironment, type FakeSocket } from './testing/fake-environment.js';
import { testClient } from './testing/test-client.js';

function setup() {
  const environment = fakeEnvironment();
  const online = new Set<() => void>();
  environment.network.onOnline = (callback) => {
    online.add(callback);
    return () => void online.delete(callback);
  };
  const { clock, client, open: connect } = testClient({ backoff: { initialMs: 100, factor: 2, maxMs: 1_000 }, random: () => 1 }, environment);
  /** Connects and plays the gateway up to the welcome. */
  const open = async (): Promise<FakeSocket> => {
    const socket = await connect();
    expect(client.state).toBe('open');
    return socket;
  };
  return { clock, environment, client, open, goOnline: () => online.forEach((callback) => callback()), online };
}

/** Every reply to a frame the client waits on, so the test can drop them where it wants. */
const idsOf = (socket: FakeSocket, type: string) => socket.sent.filter((frame) => frame.type === type).map((frame) => frame.id!);

describe('the client and its timers', () => {
  it('leaves no timer pending after many connect/close cycles, whatever was under way', async () => {
    const { clock, client, open } = setup();
    const rejected: unknown[] = [];
    const answered: Array<Promise<unknown>> = [];
    for (let cycle = 0; cycle < 20; cycle++) {
      const socket = await open();
      // The heartbeat and the credential refresh run while open.
      expect(clock.pending).toBeGreaterThanOrEqual(2);
      // A request on the wire has its timeout; a subscribe refused "try later" waits to retry.
      answered.push(client.request('chat.send', { n: cycle }).catch((error: unknown) => rejected.push(error)));
      const subscription = client.subscribe(`room:${cycle}`);
      const [subscribe] = idsOf(socket, 'subscribe').slice(-1);
      socket.deliver({ type: 'error', id: subscribe, payload: { code: 'UNAVAILABLE', message: 'later', recoverable: true, retryAfterMs: 5_000 } });
      expect(subscription.state).toBe('subscribing');
      expect((client as unknown as { subscriptions: { retrying: number } }).subscriptions.retrying).toBe(1);
      client.close();
      expect(clock.pending).toBe(0);
      clock.advance(60_000);
      expect(subscription.state).toBe('unsubscribed');
    }
    await Promise.all(answered);
    expect(rejected).toHaveLength(20);
    expect(rejected.every((error) => (error as { code: string }).code === 'CLOSED')).toBe(true);
  });

  it('cancels a reconnect wait and the handshake timeout on close', async () => {
    const { clock, client, environment, open } = setup();
    const socket = await open();
    socket.serverClose(1011);
    expect(client.state).toBe('reconnecting');
    expect(client.stats().nextRetryAt).toBe(clock.now() + 100);
    expect(clock.pending).toBe(1);
    const next = environment.nextSocket();
    clock.advance(100);
    await next;
    // A second socket, whose handshake never completes: its timeout is the one timer left.
    expect(environment.sockets).toHaveLength(2);
    expect(clock.pending).toBe(1);
    client.close();
    expect(clock.pending).toBe(0);
    expect(environment.sockets[1]!.closedWith).toBe(1000);
  });

  it('reconnects after the server delay of a drain and is driven by the clock alone', async () => {
    const { clock, client, environment, open } = setup();
    const socket = await open();
    const retries: Array<number | undefined> = [];
    client.on('retry', ({ at }) => retries.push(at));
    socket.deliver({ type: 'reconnect', payload: { afterMs: 2_000, reason: 'drain' } });
    socket.serverClose(1012);
    const at = clock.now() + 2_000 + 100;
    expect(retries).toEqual([at]);
    clock.advance(2_099);
    await environment.dialed();
    expect(environment.sockets).toHaveLength(1);
    const next = environment.nextSocket();
    clock.advance(1);
    await next;
    expect(retries).toEqual([at, undefined]);
    expect(environment.sockets).toHaveLength(2);
    client.close();
    expect(clock.pending).toBe(0);
  });

  it('cuts a backoff wait short when the network comes back, never the server’s delay, and lets go of the signal on close', async () => {
    const { clock, client, environment, open, goOnline, online } = setup();
    const socket = await open();
    socket.serverClose(1011);
    expect(client.stats().nextRetryAt).toBe(clock.now() + 100);
    const next = environment.nextSocket();
    goOnline();
    await next;
    expect(environment.sockets).toHaveLength(2);
    environment.latest()!.open();
    environment.latest()!.deliver({ type: 'reconnect', payload: { afterMs: 5_000, reason: 'drain' } });
    environment.latest()!.welcome(clock.now());
    environment.latest()!.serverClose(1012);
    goOnline();
    await environment.dialed();
    expect(environment.sockets).toHaveLength(2);
    expect(online.size).toBe(1);
    client.close();
    expect(online.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('drops a half-open connection found by its heartbeat, and a close after it leaves nothing behind', async () => {
    const { clock, client, environment, open } = setup();
    const first = await open();
    const states: string[] = [];
    client.on('state', ({ state }) => states.push(state));
    const next = environment.nextSocket();
    clock.advance(25_000 + 12_500 + 10_000);
    expect(states).toEqual(['reconnecting']);
    expect(first.closedWith).toBe(4000);
    // The attempt after the drop: its socket, whose handshake the close must end too.
    await next;
    client.close();
    expect(clock.pending).toBe(0);
    expect(states).toEqual(['reconnecting', 'closed']);
    expect(environment.sockets.every((socket) => socket.readyState === 3)).toBe(true);
  });
});

