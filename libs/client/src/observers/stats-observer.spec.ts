import { openClient } from '../testing/test-client.js';
import { StatsObserver } from './stats-observer.js';

describe('StatsObserver', () => {
  it('is pushed by the client: a pong sets the round trip, with no timer of its own', async () => {
    const { clock, client, socket } = await openClient();
    const observer = new StatsObserver(client);
    let calls = 0;
    const stop = observer.subscribe(() => calls++);
    const before = observer.getSnapshot();
    expect(observer.getSnapshot()).toBe(before);
    const ping = socket.sent.find((frame) => frame.type === 'ping')!;
    clock.advance(42);
    socket.deliver({ type: 'pong', id: ping.id });
    expect(calls).toBeGreaterThan(0);
    expect(observer.getSnapshot()).toMatchObject({ lastRttMs: 42, framesReceived: before.framesReceived + 1 });
    const after = observer.getSnapshot();
    expect(observer.getSnapshot()).toBe(after);
    stop();
    client.close();
    expect(clock.pending).toBe(0);
  });

  it('coalesces changes within minIntervalMs into one trailing notification', async () => {
    const { clock, client, socket } = await openClient();
    const observer = new StatsObserver(client, { minIntervalMs: 1_000 });
    let calls = 0;
    const stop = observer.subscribe(() => calls++);
    socket.deliver({ type: 'pong' });
    expect(calls).toBe(1);
    for (let i = 0; i < 5; i++) socket.deliver({ type: 'pong' });
    expect(calls).toBe(1);
    clock.advance(1_000);
    expect(calls).toBe(2);
    expect(observer.getSnapshot().framesReceived).toBe(client.stats().framesReceived);
    stop();
    client.close();
  });

  it('listens to the client only while it has listeners, and reads it afresh without', async () => {
    const { client, socket, listeners } = await openClient();
    const base = listeners();
    const observer = new StatsObserver(client, { minIntervalMs: 1_000 });
    const stops = [observer.subscribe(() => undefined), observer.subscribe(() => undefined)];
    expect(listeners()).toBe(base + 1);
    socket.deliver({ type: 'pong' });
    for (const stop of stops) stop();
    expect(listeners()).toBe(base);
    socket.deliver({ type: 'pong' });
    expect(observer.getSnapshot().framesReceived).toBe(client.stats().framesReceived);
    client.close();
  });
});
