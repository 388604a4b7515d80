import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway } from '../support/gateway-resource.js';
import { connect, type TestSocket } from '../support/test-socket.js';
import { SECRET_ENV, ticketUrl } from '../support/tokens.js';

const member = async (gw: RunningGateway, user: string, claims: Record<string, unknown> = {}): Promise<TestSocket> =>
  (await connect(await ticketUrl(gw, user, claims))).client;

describe('channels (protocol §5–6)', () => {
  const gw = useGateway({ ...SECRET_ENV, CHANNELS_PUBLIC_SUBSCRIBE: 'news:*', CHANNELS_PUBLIC_PUBLISH: 'lobby' });

  it('subscribes, publishes and delivers the payload unchanged with offset, epoch and ts', async () => {
    const alice = await member(gw, 'alice', { channels: ['room:*'], publish: ['room:*'] });
    const bob = await member(gw, 'bob', { channels: ['room:*'] });
    const ack = await bob.request({ type: 'subscribe', id: 's1', channel: 'room:1' });
    expect(ack).toEqual({
      type: 'ack',
      id: 's1',
      ts: expect.any(Number),
      payload: { channel: 'room:1', epoch: expect.any(String), offset: 0, recovered: false, publications: [] },
    });
    const payload = { text: 'hi', nested: { list: [1, null, 'x'] } };
    const published = await alice.request({ type: 'publish', id: 'p1', channel: 'room:1', payload });
    expect(published).toMatchObject({ type: 'ack', id: 'p1', payload: { offset: 1, epoch: ack.payload.epoch } });
    expect(await bob.nextOfType('message')).toEqual({
      type: 'message',
      channel: 'room:1',
      payload,
      offset: 1,
      epoch: ack.payload.epoch,
      ts: expect.any(Number),
    });
    await Promise.all([alice.close(), bob.close()]);
  });

  it('has a subscribe in place before a publish the same client sent right after it', async () => {
    const socket = await member(gw, 'eager', { channels: ['room:*'], publish: ['room:*'] });
    socket.send({ type: 'subscribe', id: 's', channel: 'room:eager' });
    socket.send({ type: 'publish', id: 'p', channel: 'room:eager', payload: 'first' });
    expect(await socket.nextOfType('message')).toMatchObject({ channel: 'room:eager', offset: 1, payload: 'first' });
    await socket.close();
  });

  it('gives the publisher its ack before its own publication, and other members theirs in order', async () => {
    const alice = await member(gw, 'acker', { channels: ['room:*'], publish: ['room:*'] });
    const bob = await member(gw, 'acker-peer', { channels: ['room:*'], publish: ['room:*'] });
    await alice.request({ type: 'subscribe', id: 's', channel: 'room:ackfirst' });
    await bob.request({ type: 'subscribe', id: 's', channel: 'room:ackfirst' });
    bob.send({ type: 'publish', id: 'b1', channel: 'room:ackfirst', payload: 'from bob' });
    for (const id of ['a1', 'a2']) alice.send({ type: 'publish', id, channel: 'room:ackfirst', payload: id });
    await alice.request({ type: 'ping', id: 'flush' });
    await bob.request({ type: 'ping', id: 'flush' });
    const order = (frames: typeof alice.frames) =>
      frames.filter((f) => f.type === 'message' || (f.type === 'ack' && f.id?.startsWith('a'))).map((f) => (f.type === 'ack' ? `ack ${f.id}` : `message ${f.payload}`));
    const aliceOrder = order(alice.frames);
    expect(aliceOrder.indexOf('ack a1')).toBeLessThan(aliceOrder.indexOf('message a1'));
    expect(aliceOrder.indexOf('ack a2')).toBeLessThan(aliceOrder.indexOf('message a2'));
    expect(aliceOrder.filter((entry) => entry.startsWith('message'))).toEqual(order(bob.frames).filter((entry) => entry.startsWith('message')));
    await Promise.all([alice.close(), bob.close()]);
  });

  it('acks a repeated publish id with the first offset and delivers it once', async () => {
    const alice = await member(gw, 'idem', { channels: ['room:*'], publish: ['room:*'] });
    await alice.request({ type: 'subscribe', id: 's', channel: 'room:idem' });
    const first = await alice.request({ type: 'publish', id: 'same', channel: 'room:idem', payload: 1 });
    const again = await alice.request({ type: 'publish', id: 'same', channel: 'room:idem', payload: 1 });
    expect(again.payload).toEqual(first.payload);
    const next = await alice.request({ type: 'publish', id: 'other', channel: 'room:idem', payload: 2 });
    expect(next.payload.offset).toBe(first.payload.offset + 1);
    await alice.request({ type: 'ping', id: 'flush' });
    expect(alice.frames.filter((f) => f.type === 'message').map((f) => f.offset)).toEqual([1, 2]);
    await alice.close();
  });

  it('stops delivery after unsubscribe', async () => {
    const pub = await member(gw, 'pub', { publish: ['room:*'] });
    const sub = await member(gw, 'sub', { channels: ['room:*'] });
    await sub.request({ type: 'subscribe', id: 's', channel: 'room:unsub' });
    expect(await sub.request({ type: 'unsubscribe', id: 'u', channel: 'room:unsub' })).toMatchObject({ type: 'ack', id: 'u' });
    await pub.request({ type: 'publish', id: 'p', channel: 'room:unsub', payload: 'late' });
    await sub.request({ type: 'ping', id: 'after' });
    expect(sub.frames.some((f) => f.type === 'message')).toBe(false);
    await Promise.all([pub.close(), sub.close()]);
  });

  describe('permissions', () => {
    it.each([
      ['its own user channel', 'perm-user', {}, 'user:perm-user', true],
      ['another user channel', 'perm-user', {}, 'user:someone-else', false],
      ['a channel its claims match', 'perm-user', { channels: ['team:42:*'] }, 'team:42:chat', true],
      ['a channel its claims do not match', 'perm-user', { channels: ['team:42:*'] }, 'team:43:chat', false],
      ['a star that needs at least one character', 'perm-user', { channels: ['team:*'] }, 'team:', false],
      ['a public channel', 'perm-user', {}, 'news:today', true],
      ['a channel with no grant at all', 'perm-user', {}, 'secret', false],
      ['a malformed claim', 'perm-user', { channels: 'room:*' }, 'room:1', false],
      ['another user channel granted by claims', 'admin', { channels: ['user:*'] }, 'user:anyone', true],
    ])('subscribe to %s', async (_name, user, claims, channel, allowed) => {
      const socket = await member(gw, user, claims);
      const answer = await socket.request({ type: 'subscribe', id: 'x', channel });
      if (allowed) expect(answer.type).toBe('ack');
      else expect(answer).toMatchObject({ type: 'error', id: 'x', payload: { code: 'FORBIDDEN', recoverable: false } });
      await socket.close();
    });

    it.each([
      ['a channel its publish claim matches', { publish: ['room:*'] }, 'room:1', true],
      ['a channel it may only subscribe to', { channels: ['room:*'] }, 'room:1', false],
      ['its own user channel without a publish grant', {}, 'user:perm-pub', false],
      ['a public publish channel', {}, 'lobby', true],
    ])('publish to %s', async (_name, claims, channel, allowed) => {
      const socket = await member(gw, 'perm-pub', claims);
      const answer = await socket.request({ type: 'publish', id: 'x', channel, payload: {} });
      if (allowed) expect(answer.type).toBe('ack');
      else expect(answer).toMatchObject({ type: 'error', id: 'x', payload: { code: 'FORBIDDEN' } });
      await socket.close();
    });
  });

  it('refuses a malformed since with INVALID_MESSAGE', async () => {
    const socket = await member(gw, 'since', { channels: ['room:*'] });
    for (const since of [{ epoch: 1, offset: 0 }, { epoch: 'e', offset: -1 }, { epoch: 'e', offset: 1.5 }, 'yesterday']) {
      const answer = await socket.request({ type: 'subscribe', id: 'bad', channel: 'room:since', payload: { since } });
      expect(answer).toMatchObject({ type: 'error', id: 'bad', payload: { code: 'INVALID_MESSAGE' } });
    }
    await socket.close();
  });
});
