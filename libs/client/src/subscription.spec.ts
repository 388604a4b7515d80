import { Subscription, type ChannelMessage } from './subscription.js';

const message = (offset: number, epoch = 'e1'): ChannelMessage => ({ channel: 'c', payload: offset, offset, epoch, ts: 0 });

function setup() {
  let asks = 0;
  const subscription = new Subscription('c', () => asks++, () => undefined);
  const delivered: number[] = [];
  const resets: unknown[] = [];
  subscription.on('message', (m) => delivered.push(m.offset));
  subscription.on('reset', (r) => resets.push(r));
  return { subscription, delivered, resets, asks: () => asks };
}

describe('Subscription', () => {
  it('delivers live publications in order and drops repeats', () => {
    const { subscription, delivered } = setup();
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 0, recovered: false, publications: [] });
    for (const offset of [1, 2, 2, 1, 3]) subscription.receive(message(offset));
    expect(delivered).toEqual([1, 2, 3]);
    expect(subscription.since).toEqual({ epoch: 'e1', offset: 3 });
  });

  it('holds what arrives before the ack, then delivers only what is newer', () => {
    const { subscription, delivered } = setup();
    subscription.receive(message(5));
    subscription.receive(message(6));
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 5, recovered: false, publications: [] });
    expect(delivered).toEqual([6]);
  });

  it('recovers a gap: asks again from its position and delivers everything once, in order', () => {
    const { subscription, delivered, asks } = setup();
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 0, recovered: false, publications: [] });
    subscription.receive(message(1));
    subscription.receive(message(4));
    expect(subscription.state).toBe('subscribing');
    expect(asks()).toBe(1);
    subscription.receive(message(5));
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 4, recovered: true, publications: [message(2), message(3), message(4)] });
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
  });

  it('emits reset when history no longer covers the gap, and continues from the ack', () => {
    const { subscription, delivered, resets } = setup();
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 0, recovered: false, publications: [] });
    subscription.receive(message(1));
    subscription.suspend();
    subscription.resubscribe();
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 9, recovered: false, publications: [] });
    expect(resets).toEqual([{ epoch: 'e1', offset: 9 }]);
    subscription.receive(message(10));
    expect(delivered).toEqual([1, 10]);
  });

  it('after a new epoch (history lost) emits reset, then recovers the new epoch from its start', () => {
    const { subscription, delivered, resets, asks } = setup();
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 0, recovered: false, publications: [] });
    subscription.receive(message(1));
    subscription.suspend();
    subscription.resubscribe();
    expect(asks()).toBe(1);
    subscription.receive(message(3, 'e2'));
    subscription.acked({ channel: 'c', epoch: 'e2', offset: 2, recovered: false, publications: [] });
    expect(resets).toEqual([{ epoch: 'e2', offset: 0 }]);
    expect(subscription.since).toEqual({ epoch: 'e2', offset: 0 });
    expect(subscription.state).toBe('subscribing');
    expect(asks()).toBe(2);
    subscription.acked({ channel: 'c', epoch: 'e2', offset: 2, recovered: true, publications: [message(1, 'e2'), message(2, 'e2')] });
    expect(delivered).toEqual([1, 1, 2, 3]);
    expect(resets).toHaveLength(1);
    expect(subscription.since).toEqual({ epoch: 'e2', offset: 3 });
  });

  it('emits reset once more when the new epoch is no longer held from its start', () => {
    const { subscription, resets } = setup();
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 0, recovered: false, publications: [] });
    subscription.receive(message(1));
    subscription.suspend();
    subscription.resubscribe();
    subscription.acked({ channel: 'c', epoch: 'e2', offset: 9, recovered: false, publications: [] });
    subscription.acked({ channel: 'c', epoch: 'e2', offset: 9, recovered: false, publications: [] });
    expect(resets).toEqual([{ epoch: 'e2', offset: 0 }, { epoch: 'e2', offset: 9 }]);
    expect(subscription.state).toBe('subscribed');
  });

  it('does not emit reset on the first subscribe', () => {
    const { subscription, resets } = setup();
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 7, recovered: false, publications: [] });
    expect(resets).toEqual([]);
  });

  it('stops delivering after unsubscribe', () => {
    const { subscription, delivered } = setup();
    subscription.acked({ channel: 'c', epoch: 'e1', offset: 0, recovered: false, publications: [] });
    subscription.unsubscribe();
    subscription.receive(message(1));
    expect(delivered).toEqual([]);
    expect(subscription.state).toBe('unsubscribed');
  });
});
