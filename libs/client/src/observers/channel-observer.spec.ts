import type { FakeSocket } from '../testing/fake-environment.js';
import { openClient } from '../testing/test-client.js';
import { until } from '../testing/until.js';
import type { ChannelObserver } from './channel-observer.js';
import { ChannelRegistry, UNUSED_CHANNEL } from './channel-registry.js';

async function setup() {
  const { clock, client, socket } = await openClient();
  return { clock, client, socket, registry: new ChannelRegistry(client) };
}

/** Until the answer to the local publication `key` has been handled: it is no longer pending. */
const answered = (observer: ChannelObserver<string>, key: string) =>
  until(observer.listen, () => observer.getSnapshot().local.find((local) => local.key === key)?.status !== 'pending');

const last = (socket: FakeSocket, type: string) => socket.sent.filter((frame) => frame.type === type).at(-1)!;
const publication = (offset: number, payload: unknown = offset) => ({ type: 'message', channel: 'room:1', epoch: 'e1', offset, payload });

describe('ChannelObserver', () => {
  it('subscribes while retained, buffers every message in order, and keeps its snapshot stable between changes', async () => {
    const { socket, registry, clock } = await setup();
    expect(registry.snapshot('room:1')).toBe(UNUSED_CHANNEL);
    const observer = registry.observer<number>('room:1');
    const release = observer.retain(2);
    const handled: number[] = [];
    const stopHandler = observer.onMessage((message) => handled.push(message.offset));
    let changes = 0;
    const stop = observer.listen(() => changes++);
    socket.deliver({ type: 'ack', id: last(socket, 'subscribe').id, payload: { channel: 'room:1', epoch: 'e1', offset: 0, recovered: false, publications: [] } });
    expect(observer.getSnapshot().status).toBe('subscribed');
    for (const offset of [1, 2, 3]) socket.deliver(publication(offset));
    const snapshot = observer.getSnapshot();
    expect(snapshot.messages.map((message) => message.offset)).toEqual([2, 3]);
    expect(observer.getSnapshot()).toBe(snapshot);
    expect(handled).toEqual([1, 2, 3]);
    expect(changes).toBeGreaterThanOrEqual(4);

    stop();
    stopHandler();
    release();
    // Released after the current turn, on the client's clock: a remount in between keeps it.
    expect(last(socket, 'unsubscribe')).toBeUndefined();
    expect(observer.pendingTimers).toBe(1);
    clock.advance(0);
    expect(last(socket, 'unsubscribe')).toMatchObject({ channel: 'room:1' });
    expect(registry.size).toBe(0);
    expect(observer.pendingTimers).toBe(0);
  });

  it('shows a local publication at once and replaces it by its message, under the same key', async () => {
    const { socket, registry } = await setup();
    const observer = registry.observer<string>('room:1');
    const release = observer.retain(10);
    socket.deliver({ type: 'ack', id: last(socket, 'subscribe').id, payload: { channel: 'room:1', epoch: 'e1', offset: 0, recovered: false, publications: [] } });
    const key = observer.publishLocal('hello');
    expect(observer.getSnapshot().local).toEqual([{ key, payload: 'hello', status: 'pending' }]);
    socket.deliver({ type: 'ack', id: last(socket, 'publish').id, payload: { offset: 1, epoch: 'e1' } });
    await answered(observer, key);
    expect(observer.getSnapshot().local).toEqual([{ key, payload: 'hello', status: 'confirmed', epoch: 'e1', offset: 1 }]);
    socket.deliver(publication(1, 'hello'));
    expect(observer.getSnapshot().local).toEqual([]);
    expect(observer.getSnapshot().keys.get('e1:1')).toBe(key);
    release();
  });

  it('turns a refused local publication failed, retries it under its key, and dismisses it', async () => {
    const { socket, registry } = await setup();
    const observer = registry.observer<string>('room:1');
    const release = observer.retain(10);
    const key = observer.publishLocal('nope');
    socket.deliver({ type: 'error', id: last(socket, 'publish').id, payload: { code: 'FORBIDDEN', message: 'no', recoverable: false } });
    await answered(observer, key);
    expect(observer.getSnapshot().local).toMatchObject([{ key, status: 'failed', error: { code: 'FORBIDDEN' } }]);
    observer.retryLocal(key);
    expect(observer.getSnapshot().local).toMatchObject([{ key, status: 'pending' }]);
    socket.deliver({ type: 'error', id: last(socket, 'publish').id, payload: { code: 'FORBIDDEN', message: 'no', recoverable: false } });
    await answered(observer, key);
    observer.dismissLocal(key);
    expect(observer.getSnapshot().local).toEqual([]);
    release();
  });
});
