import type { ChannelMessage, Subscription, SubscriptionState } from '@switchboard/client';
import { FakeGateway } from '../support/fake-gateway.js';
import { closeClients, sdkClient } from '../support/sdk.js';

/** Resolves at the subscription's next change to `state`. */
function next(subscription: Subscription, state: SubscriptionState): Promise<void> {
  return new Promise((resolve) => {
    const stop = subscription.on('state', (s) => {
      if (s !== state) return;
      stop();
      resolve();
    });
  });
}

describe('a publication the subscription cannot continue from', () => {
  let gateway: FakeGateway;
  beforeEach(async () => {
    // A gateway at epoch e2, offset 0, that never had any other publication: every
    // subscribe, with or without `since`, gets the same answer.
    gateway = await FakeGateway.start({
      limits: { rateLimit: { messages: 100, intervalMs: 1_000, burst: 50 } },
      answer: (frame, connection) => {
        if (frame.type === 'ping') return connection.send({ type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) });
        if (frame.type === 'subscribe') {
          const recovered = frame.payload?.since?.epoch === 'e2';
          return connection.send({ type: 'ack', id: frame.id, payload: { channel: frame.channel, epoch: 'e2', offset: 0, recovered, publications: [] } });
        }
        connection.send({ type: 'ack', id: frame.id, payload: frame.payload });
      },
    });
  });
  afterEach(async () => {
    closeClients();
    await gateway.close();
  });

  it.each([
    ['from an older epoch (in flight from before a restart, or replayed)', { epoch: 'e1', offset: 1 }],
    ['from an older epoch, at an offset the current one has not reached', { epoch: 'e1', offset: 7 }],
    ['past a gap the gateway cannot fill', { epoch: 'e2', offset: 5 }],
  ])('is dropped after at most one resubscribe: %s', async (_, position) => {
    const client = sdkClient(gateway.url, 'stale');
    const messages: ChannelMessage[] = [];
    const subscription = client.subscribe('room:1', (m) => messages.push(m));
    await next(subscription, 'subscribed');
    expect(gateway.frames('subscribe').length).toBe(1);

    const recovered = next(subscription, 'subscribed');
    gateway.latest()!.sendText(JSON.stringify({ type: 'message', channel: 'room:1', payload: 'stale', ...position, ts: Date.now() }));
    await recovered;
    // A request answered after the recovery: any further subscribe the client wrote would be ahead of it.
    await expect(client.request('echo', 'done')).resolves.toBe('done');

    expect(gateway.frames('subscribe').length).toBe(2);
    expect(gateway.frames('subscribe')[1]!.payload).toEqual({ since: { epoch: 'e2', offset: 0 } });
    expect(messages).toEqual([]);
    expect(subscription.state).toBe('subscribed');
    expect(subscription.since).toEqual({ epoch: 'e2', offset: 0 });
  });

  it('keeps delivering live publications that follow the position after such a drop', async () => {
    const client = sdkClient(gateway.url, 'stale-then-live');
    const messages: ChannelMessage[] = [];
    const subscription = client.subscribe('room:1', (m) => messages.push(m));
    await next(subscription, 'subscribed');
    const recovered = next(subscription, 'subscribed');
    gateway.latest()!.sendText(JSON.stringify({ type: 'message', channel: 'room:1', payload: 'stale', epoch: 'e1', offset: 3, ts: 1 }));
    await recovered;
    const delivered = new Promise<void>((resolve) => subscription.on('message', () => messages.length === 2 && resolve()));
    for (const offset of [1, 1, 2]) gateway.latest()!.sendText(JSON.stringify({ type: 'message', channel: 'room:1', payload: offset, epoch: 'e2', offset, ts: 1 }));
    await delivered;
    expect(messages.map((m) => [m.epoch, m.offset])).toEqual([['e2', 1], ['e2', 2]]);
    expect(gateway.frames('subscribe').length).toBe(2);
    expect(client.state).toBe('open');
  });
});
