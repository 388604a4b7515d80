import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway } from '../support/gateway-resource.js';
import { metric } from '../support/metrics.js';
import { connect, type TestSocket } from '../support/test-socket.js';
import { SECRET_ENV, signToken } from '../support/tokens.js';

const claims = { channels: ['room:*'], publish: ['room:*'] };

const open = async (gw: RunningGateway, user: string): Promise<TestSocket> =>
  (await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken(user, claims)}` } })).client;


describe('delivery', () => {
  const gw = useGateway({
    ...SECRET_ENV,
    HANDSHAKE_RATE_PER_IP: '100000',
    // Subscribers connect 100 at a time, all from 127.0.0.1.
    MAX_PENDING_REQUESTS_PER_IP: '100000',
    RATE_LIMIT_MESSAGES: '100000',
    RATE_LIMIT_BURST: '100000',
  });

  it('keeps one order per channel under concurrent publishers', async () => {
    const reader = await open(gw, 'reader');
    await reader.request({ type: 'subscribe', id: 's', channel: 'room:order' });
    const publishers = await Promise.all(Array.from({ length: 5 }, (_, p) => open(gw, `publisher-${p}`)));
    const perPublisher = 100;
    await Promise.all(
      publishers.map(async (socket, p) => {
        for (let i = 0; i < perPublisher; i++) socket.send({ type: 'publish', id: `${p}-${i}`, channel: 'room:order', payload: { p, i } });
        for (let i = 0; i < perPublisher; i++) await socket.nextOfType('ack');
      }),
    );
    const messages = [];
    while (messages.length < publishers.length * perPublisher) messages.push(await reader.nextOfType('message'));
    expect(messages.map((m) => m.offset)).toEqual(Array.from({ length: messages.length }, (_, i) => i + 1));
    for (let p = 0; p < publishers.length; p++) {
      const sequence = messages.filter((m) => m.payload.p === p).map((m) => m.payload.i);
      expect(sequence).toEqual(Array.from({ length: perPublisher }, (_, i) => i));
    }
    await Promise.all([reader, ...publishers].map((s) => s.close()));
  });

  it('fans one publication out to 1,000 subscribers', async () => {
    const subscribers: TestSocket[] = [];
    for (let batch = 0; batch < 10; batch++) {
      subscribers.push(...(await Promise.all(Array.from({ length: 100 }, (_, i) => open(gw, `fan-${batch * 100 + i}`)))));
    }
    await Promise.all(subscribers.map((s, i) => s.request({ type: 'subscribe', id: `s${i}`, channel: 'room:fanout' })));
    const publisher = await open(gw, 'fan-publisher');
    await publisher.request({ type: 'publish', id: 'p', channel: 'room:fanout', payload: { hello: 'everyone' } });
    const received = await Promise.all(subscribers.map((s) => s.nextOfType('message')));
    expect(received.every((m) => m.payload.hello === 'everyone' && m.offset === 1)).toBe(true);
    expect(await metric(gw, 'switchboard_subscriptions')).toBe(1_000);
    await Promise.all([publisher, ...subscribers].map((s) => s.close()));
    const users = ['fan-publisher', ...subscribers.map((_, i) => `fan-${i}`)];
    await Promise.all(users.map((user) => gw.waitForLog((l) => l.msg === 'connection closed' && l.userId === user)));
    expect(await metric(gw, 'switchboard_subscriptions')).toBe(0);
  });

  it('releases everything after 10,000 subscribe/unsubscribe cycles and on disconnect', async () => {
    const socket = await open(gw, 'churn');
    const baseline = { channels: await metric(gw, 'switchboard_channels'), subscriptions: await metric(gw, 'switchboard_subscriptions') };
    for (let i = 0; i < 10_000; i++) {
      const channel = `room:churn-${i % 100}`;
      socket.send({ type: 'subscribe', id: `s${i}`, channel });
      socket.send({ type: 'unsubscribe', id: `u${i}`, channel });
    }
    await socket.request({ type: 'ping', id: 'done' });
    const acks = socket.frames.filter((f) => f.type === 'ack');
    expect(acks).toHaveLength(20_000);
    expect(await metric(gw, 'switchboard_channels')).toBe(baseline.channels);
    expect(await metric(gw, 'switchboard_subscriptions')).toBe(baseline.subscriptions);

    for (let i = 0; i < 50; i++) await socket.request({ type: 'subscribe', id: `keep${i}`, channel: `room:kept-${i}` });
    expect(await metric(gw, 'switchboard_subscriptions')).toBe(baseline.subscriptions + 50);
    await socket.close();
    await gw.waitForLog((l) => l.msg === 'connection closed' && l.userId === 'churn');
    expect(await metric(gw, 'switchboard_subscriptions')).toBe(baseline.subscriptions);
    expect(await metric(gw, 'switchboard_channels')).toBe(baseline.channels);
  });
});
