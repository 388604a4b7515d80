import { testClient } from '../testing/test-client.js';
import { ConnectionObserver } from './connection-observer.js';

const setup = () => testClient({ random: () => 1, backoff: { initialMs: 100 } });

describe('ConnectionObserver', () => {
  it('keeps one snapshot object until a field changes, and tells its listeners of each change', async () => {
    const { client, clock, environment } = setup();
    const observer = new ConnectionObserver(client);
    const first = observer.getSnapshot();
    expect(first).toEqual({ status: 'idle' });
    expect(observer.getSnapshot()).toBe(first);
    const seen: unknown[] = [];
    const stop = observer.subscribe(() => seen.push(observer.getSnapshot()));
    const next = environment.nextSocket();
    client.connect();
    const socket = await next;
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
