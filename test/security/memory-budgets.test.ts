import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { connect } from '../support/test-socket.js';
import { SECRET_ENV, signToken } from '../support/tokens.js';

const API_KEY = 'security-api-key-0123456789abcdef012345';

const publish = (gw: RunningGateway, channel: string, payload: unknown) =>
  fetch(gw.http('/api/publish'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ channel, payload }),
  });

const history = async (gw: RunningGateway, channel: string) =>
  (await fetch(gw.http(`/api/channels/${channel}/history?since=0`), { headers: { authorization: `Bearer ${API_KEY}` } })).json();

describe('memory budgets', () => {
  const gw = useGateway({
    ...SECRET_ENV,
    API_KEY,
    HISTORY_SIZE: '1000',
    HISTORY_MAX_BYTES: '4096',
    MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
    CHANNELS_PUBLIC_SUBSCRIBE: 'budget:*',
  });

  it('keeps a channel history within HISTORY_MAX_BYTES, newest first to stay', async () => {
    const big = 'x'.repeat(1_000);
    for (let i = 1; i <= 20; i++) expect((await publish(gw, 'budget:bytes', { i, big })).status).toBe(200);
    const kept = await history(gw, 'budget:bytes');
    expect(kept.offset).toBe(20);
    expect(kept.complete).toBe(false);
    const offsets = kept.publications.map((p: { offset: number }) => p.offset);
    // Each payload serializes to 1,017 or 1,018 bytes: four fit in 4 KiB, a fifth does not.
    expect(offsets).toEqual([17, 18, 19, 20]);
    const bytes = kept.publications.reduce((sum: number, p: { payload: unknown }) => sum + Buffer.byteLength(JSON.stringify(p.payload)), 0);
    expect(bytes).toBeLessThanOrEqual(4096);
    await expectServing(gw);
  });

  it('delivers a publication larger than the budget live, but keeps none of it', async () => {
    const { client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('live-big')}` } });
    await client.request({ type: 'subscribe', id: 's', channel: 'budget:huge' });
    const payload = { huge: 'y'.repeat(10_000) };
    expect((await publish(gw, 'budget:huge', payload)).status).toBe(200);
    expect(await client.nextOfType('message')).toMatchObject({ channel: 'budget:huge', offset: 1, payload });
    expect(await history(gw, 'budget:huge')).toMatchObject({ offset: 1, publications: [], complete: false });
    await client.close();
  });

  it('caps subscriptions per connection with TOO_MANY_SUBSCRIPTIONS, and frees a slot on unsubscribe', async () => {
    const { client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('many-subs')}` } });
    for (const n of [1, 2, 3]) expect((await client.request({ type: 'subscribe', id: `s${n}`, channel: `budget:${n}` })).type).toBe('ack');
    const refused = await client.request({ type: 'subscribe', id: 's4', channel: 'budget:4' });
    expect(refused).toMatchObject({ type: 'error', id: 's4', payload: { code: 'TOO_MANY_SUBSCRIPTIONS', recoverable: false } });
    // Subscribing again to a channel it holds takes no new slot.
    expect((await client.request({ type: 'subscribe', id: 's1b', channel: 'budget:1' })).type).toBe('ack');
    expect((await client.request({ type: 'unsubscribe', id: 'u1', channel: 'budget:1' })).type).toBe('ack');
    expect((await client.request({ type: 'subscribe', id: 's4b', channel: 'budget:4' })).type).toBe('ack');
    await client.close();
    await expectServing(gw);
  });
});
