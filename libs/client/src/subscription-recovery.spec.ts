import { Subscription, type ChannelMessage } from './subscription.js';

const message = (offset: number, epoch = 'e2', channel = 'c'): ChannelMessage => ({ channel, payload: offset, offset, epoch, ts: 0 });
const ack = (offset: number, recovered = false, publications: ChannelMessage[] = [], epoch = 'e2') => ({ channel: 'c', epoch, offset, recovered, publications });

/** A subscription at e2/0 that counts how often it asks the gateway. */
function subscribed() {
  let asks = 0;
  const subscription = new Subscription('c', () => asks++, () => undefined);
  const delivered: Array<[string, number]> = [];
  subscription.on('message', (m) => delivered.push([m.epoch, m.offset]));
  subscription.acked(ack(0));
  return { subscription, delivered, asks: () => asks };
}

describe('Subscription recovery is bounded', () => {
  it.each([
    ['another epoch', message(1, 'e1')],
    ['another epoch at a higher offset', message(9, 'e1')],
    ['a gap the ack does not fill', message(5)],
  ])('a live publication from %s asks once; the same ack again drops it instead of asking again', (_, publication) => {
    const { subscription, delivered, asks } = subscribed();
    subscription.receive(publication);
    expect(asks()).toBe(1);
    subscription.acked(ack(0, true));
    expect(asks()).toBe(1);
    expect(subscription.state).toBe('subscribed');
    expect(delivered).toEqual([]);
    subscription.receive(message(1));
    expect(delivered).toEqual([['e2', 1]]);
  });

  it('holds what arrives during a recovery without asking more, and keeps only what follows the ack', () => {
    const { subscription, delivered, asks } = subscribed();
    subscription.receive(message(3));
    for (const held of [message(4, 'e1'), message(1), message(2), message(3), message(7)]) subscription.receive(held);
    expect(asks()).toBe(1);
    subscription.acked(ack(1, true, [message(1)]));
    expect(delivered).toEqual([['e2', 1], ['e2', 2], ['e2', 3]]);
    expect(subscription.since).toEqual({ epoch: 'e2', offset: 3 });
    expect(asks()).toBe(1);
  });

  it('drops a repeat without asking', () => {
    const { subscription, delivered, asks } = subscribed();
    subscription.receive(message(1));
    subscription.receive(message(1));
    subscription.receive(message(0));
    expect(delivered).toEqual([['e2', 1]]);
    expect(asks()).toBe(0);
  });

  it('delivers from a recovered ack only the publications of its own channel and epoch', () => {
    const { subscription, delivered } = subscribed();
    subscription.receive(message(3));
    subscription.acked(ack(3, true, [message(1), message(2, 'e1'), message(2, 'e2', 'other'), message(2), message(3)]));
    expect(delivered).toEqual([['e2', 1], ['e2', 2], ['e2', 3]]);
  });

  it('still recovers a live epoch change: resets, then recovers the new epoch from its start', () => {
    const { subscription, delivered, asks } = subscribed();
    const resets: unknown[] = [];
    subscription.on('reset', (r) => resets.push(r));
    subscription.receive(message(1));
    subscription.receive(message(1, 'e3'));
    expect(asks()).toBe(1);
    subscription.acked(ack(1, false, [], 'e3'));
    expect(resets).toEqual([{ epoch: 'e3', offset: 0 }]);
    expect(asks()).toBe(2);
    subscription.acked(ack(1, true, [message(1, 'e3')], 'e3'));
    expect(delivered).toEqual([['e2', 1], ['e3', 1]]);
    expect(subscription.since).toEqual({ epoch: 'e3', offset: 1 });
    expect(asks()).toBe(2);
  });
});
