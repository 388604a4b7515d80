import { createClient } from '../client.js';
import { ManualClock } from '../testing/manual-clock.js';
import { fakeEnvironment } from '../testing/fake-environment.js';
import { ConnectionObserver } from './connection-observer.js';

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 1));
};

function setup() {
  const clock = new ManualClock();
  const environment = fakeEnvironment();
  const client = createClient({ url: 'http://gateway.test', getToken: () => 'token', ...environment, clock, autoConnect: false, random: () => 1, backoff: { initialMs: 100 } });
  return { clock, environment, client, listeners: () => (client as unknown as { events: { count(): number } }).events.count() };
}

describe('ConnectionObserver', () => {
  it('keeps one snapshot object until a field changes, and tells its listeners of each change', async () => {
    const { client, clock, environment } = setup();
    const observer = new ConnectionObserver(client);
    const first = observer.getSnapshot();
    expect(first).toEqual({ status: 'idle' });
    expect(observer.getSnapshot()).toBe(first);
    const seen: unknown[] = [];
    const stop = observer.subscribe(() => seen.push(observer.getSnapshot()));
    client.connect();
    await settle();
    const socket = environment.latest()!;
    socket.open();
    socket.welcome(clock.now());
    expect(observer.getSnapshot()).toEqual({ status: 'open', userId: 'u1' });
    socket.serverClose(1011);
    expect(observer.getSnapshot()).toEqual({ status: 'reconnecting', userId: 'u1', retryAt: clock.now() + 100 });
    stop();
    client.close();
    expect(seen).toEqual([{ status: 'connecting' }, { status: 'open' }, { status: 'open', userId: 'u1' }, { status: 'reconnecting', userId: 'u1' }, expect.objectContaining({ retryAt: clock.now() + 100 })]);
    // Unsubscribed, it still follows the client: a later read is current.
    expect(observer.getSnapshot()).toEqual({ status: 'closed', userId: 'u1' });
  });

  it('removes every registration it made on the client when disposed', () => {
    const { client, listeners } = setup();
    const before = listeners();
    const observers = Array.from({ length: 10 }, () => new ConnectionObserver(client));
    expect(listeners()).toBe(before + 40);
    for (const observer of observers) observer.dispose();
    expect(listeners()).toBe(before);
  });
});
