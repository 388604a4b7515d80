import { useGateway } from '../support/gateway-resource.js';
import { connect, type TestSocket } from '../support/test-socket.js';
import { SECRET_ENV, ticketUrl } from '../support/tokens.js';

describe('messaging (protocol §4, §5)', () => {
  let client: TestSocket;
  // Every test takes a fresh ticket for the same user, faster than its default budget.
  const gw = useGateway({ ...SECRET_ENV, MAX_MESSAGE_BYTES: '1024', TICKET_RATE_PER_USER: '100000' });
  beforeEach(async () => {
    ({ client } = await connect(await ticketUrl(gw, 'msg-user')));
  });
  afterEach(async () => {
    await client.close();
  });

  it('answers ping with pong echoing the id', async () => {
    const pong = await client.request({ type: 'ping', id: 'p-1' });
    expect(pong).toEqual({ type: 'pong', id: 'p-1', ts: expect.any(Number) });
  });

  it('answers a ping without id with a pong without id', async () => {
    client.send({ type: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong', ts: expect.any(Number) });
  });

  it('answers invalid JSON with INVALID_JSON and keeps serving', async () => {
    client.send('{"type":"ping",');
    const error = await client.next();
    expect(error).toMatchObject({ type: 'error', payload: { code: 'INVALID_JSON', recoverable: false } });
    expect(error.id).toBeUndefined();
    expect((await client.request({ type: 'ping', id: 'after' })).type).toBe('pong');
  });

  it.each([
    ['a JSON array', '[1,2]', undefined],
    ['a JSON string', '"ping"', undefined],
    ['a missing type', '{"id":"m1"}', 'm1'],
    ['a numeric type', '{"type":5,"id":"m2"}', 'm2'],
    ['an empty type', '{"type":"","id":"m3"}', 'm3'],
    ['an unknown top-level field', '{"type":"ping","id":"m4","extra":true}', 'm4'],
    ['a numeric id', '{"type":"ping","id":7}', undefined],
    ['an id over 64 characters', `{"type":"ping","id":"${'x'.repeat(65)}"}`, undefined],
    ['a client-set ts', '{"type":"ping","id":"m5","ts":1}', 'm5'],
    ['auth without a token', '{"type":"auth","id":"m6","payload":{}}', 'm6'],
    ['auth without an id', '{"type":"auth","payload":{"token":"x"}}', undefined],
    ['an application message without id', '{"type":"chat.send","payload":{}}', undefined],
    ['a bad channel name', '{"type":"subscribe","id":"m7","channel":"has space"}', 'm7'],
  ])('answers %s with INVALID_MESSAGE echoing a valid id', async (_name, text, id) => {
    client.send(text);
    const error = await client.next();
    expect(error.type).toBe('error');
    expect(error.payload).toMatchObject({ code: 'INVALID_MESSAGE', recoverable: false });
    expect(typeof error.payload.message).toBe('string');
    expect(error.id).toBe(id);
    expect((await client.request({ type: 'ping', id: 'still-open' })).type).toBe('pong');
  });

  it('answers a binary frame with UNSUPPORTED_DATA and stays open', async () => {
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', payload: { code: 'UNSUPPORTED_DATA' } });
    expect((await client.request({ type: 'ping', id: 'b' })).type).toBe('pong');
  });

  it('answers application messages with UNKNOWN_TYPE while no backend is configured', async () => {
    const answer = await client.request({ type: 'chat.send', id: 'a1', payload: { text: 'hi' } });
    expect(answer).toMatchObject({ type: 'error', id: 'a1', payload: { code: 'UNKNOWN_TYPE' } });
  });

  it('closes 1009 on a frame over MAX_MESSAGE_BYTES', async () => {
    client.send({ type: 'ping', id: 'big', payload: 'x'.repeat(2048) });
    expect((await client.closed).code).toBe(1009);
  });
});

describe('per-user rate limit (protocol §7)', () => {
  const gw = useGateway({
    ...SECRET_ENV,
    RATE_LIMIT_MESSAGES: '1',
    RATE_LIMIT_INTERVAL_MS: '60000',
    RATE_LIMIT_BURST: '4',
  });

  const spend = async (socket: TestSocket, label: string) =>
    (await socket.request({ type: 'chat.send', id: label, payload: null })).payload.code as string;

  it('shares one bucket between two connections of one user', async () => {
    const a = await connect(await ticketUrl(gw, 'shared'));
    const b = await connect(await ticketUrl(gw, 'shared'));
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(await spend(a.client, `a${i}`));
    codes.push(await spend(b.client, 'b0'));
    expect(codes).toEqual(['UNKNOWN_TYPE', 'UNKNOWN_TYPE', 'UNKNOWN_TYPE', 'UNKNOWN_TYPE']);
    const limited = await b.client.request({ type: 'chat.send', id: 'b1', payload: null });
    expect(limited.payload).toMatchObject({ code: 'RATE_LIMITED', recoverable: true });
    expect(limited.payload.retryAfterMs).toBeGreaterThan(0);
    expect(limited.payload.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(await spend(a.client, 'a3')).toBe('RATE_LIMITED');
    await Promise.all([a.client.close(), b.client.close()]);
  });

  it('keeps buckets of two users apart, and never charges ping', async () => {
    const a = await connect(await ticketUrl(gw, 'user-a'));
    const b = await connect(await ticketUrl(gw, 'user-b'));
    for (let i = 0; i < 4; i++) await spend(a.client, `a${i}`);
    expect(await spend(a.client, 'a-over')).toBe('RATE_LIMITED');
    expect(await spend(b.client, 'b0')).toBe('UNKNOWN_TYPE');
    for (let i = 0; i < 20; i++) expect((await a.client.request({ type: 'ping', id: `p${i}` })).type).toBe('pong');
    await Promise.all([a.client.close(), b.client.close()]);
  });

  it('closes 1008 rate-limit a connection that keeps sending while limited', async () => {
    const { client } = await connect(await ticketUrl(gw, 'abuser'));
    for (let i = 0; i < 12; i++) client.send({ type: 'chat.send', id: `x${i}`, payload: null });
    expect(await client.closed).toEqual({ code: 1008, reason: 'rate-limit' });
    const limited = client.frames.filter((f) => f.payload?.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(4);
  });
});
