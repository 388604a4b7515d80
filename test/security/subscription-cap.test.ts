import { useGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { connect } from '../support/test-socket.js';
import { signToken } from '../support/tokens.js';
import { FUZZ_ENV } from './fuzz/fuzz-env.js';
import { PROTOCOL_ERROR_CODES, answersIn, exchange } from './hostile-input.js';

describe('MAX_SUBSCRIPTIONS_PER_CONNECTION (default 128)', () => {
  const gw = useGateway(FUZZ_ENV);

  it('refuses the 129th subscription with TOO_MANY_SUBSCRIPTIONS echoing its id, and does not subscribe it', async () => {
    const { client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('subscriber')}` } });
    const subscribes = Array.from({ length: 128 }, (_, i) => ({ type: 'subscribe', id: `s${i}`, channel: `fuzz:sub-${i}` }));
    const acks = answersIn(await exchange(client, subscribes));
    expect(acks.map((a) => [a.id, a.type])).toEqual(subscribes.map((s) => [s.id, 'ack']));

    const refused = answersIn(await exchange(client, [{ type: 'subscribe', id: 'one-more', channel: 'fuzz:sub-128' }]));
    expect(refused).toEqual([expect.objectContaining({ type: 'error', id: 'one-more', payload: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS' }) })]);

    // Not subscribed after all: its own publication there never comes back, one on a held channel does.
    const frames = await exchange(client, [
      { type: 'publish', id: 'p-refused', channel: 'fuzz:sub-128', payload: 1 },
      { type: 'publish', id: 'p-held', channel: 'fuzz:sub-0', payload: 2 },
    ]);
    expect(frames.filter((f) => f.type === 'message').map((f) => f.channel)).toEqual(['fuzz:sub-0']);

    // The cap is on subscriptions held: one freed makes room for one.
    const again = answersIn(
      await exchange(client, [
        { type: 'unsubscribe', id: 'free', channel: 'fuzz:sub-5' },
        { type: 'subscribe', id: 'room-again', channel: 'fuzz:sub-128' },
        { type: 'subscribe', id: 'full-again', channel: 'fuzz:sub-129' },
      ]),
    );
    expect(again.map((a) => [a.id, a.type === 'error' ? a.payload.code : a.type])).toEqual([
      ['free', 'ack'],
      ['room-again', 'ack'],
      ['full-again', 'TOO_MANY_SUBSCRIPTIONS'],
    ]);
    await client.close();
  });

  it('lists TOO_MANY_SUBSCRIPTIONS among the protocol library\'s error codes, as every code the gateway sends', () => {
    expect(PROTOCOL_ERROR_CODES.has('TOO_MANY_SUBSCRIPTIONS')).toBe(true);
  });

  it('still serves', async () => {
    await expectServing(gw);
  });
});
