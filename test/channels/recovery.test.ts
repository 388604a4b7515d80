import { setTimeout as delay } from 'node:timers/promises';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { connect, type TestSocket } from '../support/test-socket.js';
import { SECRET_ENV, ticketUrl } from '../support/tokens.js';

const claims = { channels: ['room:*'], publish: ['room:*'] };

async function publishMany(socket: TestSocket, channel: string, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) await socket.request({ type: 'publish', id: `${channel}-${i}`, channel, payload: { i } });
}

describe('recovery (protocol §6)', () => {
  const gw = useGateway({ ...SECRET_ENV, HISTORY_SIZE: '5' });

  it('fills the gap of a client that was away: in order, nothing twice, then live', async () => {
    const publisher = (await connect(await ticketUrl(gw, 'pub', claims))).client;
    const first = (await connect(await ticketUrl(gw, 'reader', claims))).client;
    const ack = await first.request({ type: 'subscribe', id: 's', channel: 'room:gap' });
    await publishMany(publisher, 'room:gap', 1, 2);
    const seen = [await first.nextOfType('message'), await first.nextOfType('message')];
    expect(seen.map((m) => m.payload.i)).toEqual([1, 2]);
    await first.close();

    await publishMany(publisher, 'room:gap', 3, 5);
    const again = (await connect(await ticketUrl(gw, 'reader', claims))).client;
    const recovered = await again.request({
      type: 'subscribe',
      id: 'r',
      channel: 'room:gap',
      payload: { since: { epoch: ack.payload.epoch, offset: seen[1].offset } },
    });
    expect(recovered.payload).toMatchObject({ channel: 'room:gap', epoch: ack.payload.epoch, offset: 5, recovered: true });
    expect(recovered.payload.publications.map((p: { offset: number; payload: { i: number } }) => [p.offset, p.payload.i])).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    await publishMany(publisher, 'room:gap', 6, 6);
    expect((await again.nextOfType('message')).offset).toBe(6);
    await again.request({ type: 'ping', id: 'flush' });
    expect(again.frames.filter((f) => f.type === 'message').map((f) => f.offset)).toEqual([6]);
    await Promise.all([publisher.close(), again.close()]);
  });

  it('answers recovered:false with the current position when history was trimmed', async () => {
    const publisher = (await connect(await ticketUrl(gw, 'pub', claims))).client;
    const ack = await publisher.request({ type: 'subscribe', id: 's', channel: 'room:trim' });
    await publishMany(publisher, 'room:trim', 1, 8);
    const reader = (await connect(await ticketUrl(gw, 'reader', claims))).client;
    const answer = await reader.request({
      type: 'subscribe',
      id: 'r',
      channel: 'room:trim',
      payload: { since: { epoch: ack.payload.epoch, offset: 1 } },
    });
    expect(answer.payload).toEqual({ channel: 'room:trim', epoch: ack.payload.epoch, offset: 8, recovered: false, publications: [] });
    await Promise.all([publisher.close(), reader.close()]);
  });

  it('answers recovered:false for another epoch', async () => {
    const reader = (await connect(await ticketUrl(gw, 'reader', claims))).client;
    const answer = await reader.request({
      type: 'subscribe',
      id: 'r',
      channel: 'room:epoch',
      payload: { since: { epoch: 'not-this-one', offset: 0 } },
    });
    expect(answer.payload).toMatchObject({ recovered: false, publications: [] });
    expect(answer.payload.epoch).not.toBe('not-this-one');
    await reader.close();
  });

  it('counts recoveries by outcome in /metrics', async () => {
    const text = await (await fetch(gw.http('/metrics'))).text();
    expect(text).toMatch(/switchboard_recoveries_total\{outcome="recovered"\} [1-9]/);
    expect(text).toMatch(/switchboard_recoveries_total\{outcome="not_recovered"\} [1-9]/);
  });
});

describe('recovery across a restart and after the TTL', () => {
  it('gives recovered:false and a new epoch after the in-memory engine restarts', async () => {
    const ack = await withGateway({ ...SECRET_ENV }, async (before) => {
      const socket = (await connect(await ticketUrl(before, 'r', claims))).client;
      const subscribed = await socket.request({ type: 'subscribe', id: 's', channel: 'room:restart' });
      await publishMany(socket, 'room:restart', 1, 2);
      await before.stop();
      return subscribed;
    });

    await withGateway({ ...SECRET_ENV }, async (after) => {
      const again = (await connect(await ticketUrl(after, 'r', claims))).client;
      const answer = await again.request({
        type: 'subscribe',
        id: 'r',
        channel: 'room:restart',
        payload: { since: { epoch: ack.payload.epoch, offset: 2 } },
      });
      expect(answer.payload.recovered).toBe(false);
      expect(answer.payload.epoch).not.toBe(ack.payload.epoch);
      await again.close();
    });
  });

  it('gives recovered:false once HISTORY_TTL_MS has passed', async () => {
    await withGateway({ ...SECRET_ENV, HISTORY_TTL_MS: '1000' }, async (gw) => {
      const socket = (await connect(await ticketUrl(gw, 'ttl', claims))).client;
      const ack = await socket.request({ type: 'subscribe', id: 's', channel: 'room:ttl' });
      await publishMany(socket, 'room:ttl', 1, 2);
      const fresh = await socket.request({ type: 'subscribe', id: 'in-time', channel: 'room:ttl', payload: { since: { epoch: ack.payload.epoch, offset: 0 } } });
      expect(fresh.payload.recovered).toBe(true);
      // The TTL itself is what is under test; there is no event to wait for.
      await delay(1_100);
      const late = await socket.request({ type: 'subscribe', id: 'late', channel: 'room:ttl', payload: { since: { epoch: ack.payload.epoch, offset: 0 } } });
      expect(late.payload).toMatchObject({ recovered: false, publications: [], offset: 2 });
      await socket.close();
    });
  });
});
