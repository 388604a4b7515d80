import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { connect } from '../support/test-socket.js';
import { SECRET_ENV, ticketUrl } from '../support/tokens.js';

const API_KEY = 'test-api-key-0123456789abcdef0123456789';

const api = (gw: RunningGateway, path: string, body?: unknown, key: string | null = API_KEY) =>
  fetch(gw.http(path), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('server API', () => {
  const gw = useGateway({ ...SECRET_ENV, API_KEY, HISTORY_SIZE: '10' });

  describe('authentication', () => {
    it.each([
      ['no key', null],
      ['a wrong key', 'wrong-key'],
      ['a key that differs only in its last character', `${API_KEY.slice(0, -1)}X`],
    ])('answers 401 for %s', async (_name, key) => {
      const response = await api(gw, '/api/publish', { channel: 'room:1', payload: 1 }, key);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('UNAUTHORIZED');
    });

    it('answers 503 when API_KEY is not configured', async () => {
      await withGateway({ ...SECRET_ENV }, async (disabled) => {
        const response = await api(disabled, '/api/publish', { channel: 'room:1', payload: 1 });
        expect(response.status).toBe(503);
        expect((await response.json()).error.message).toMatch(/API_KEY/);
      });
    });
  });

  it('publishes to a user channel, which its user receives', async () => {
    const { client } = await connect(await ticketUrl(gw, 'api-user'));
    await client.request({ type: 'subscribe', id: 's', channel: 'user:api-user' });
    const response = await api(gw, '/api/publish', { channel: 'user:api-user', payload: { note: 'from the backend' } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ offset: 1, epoch: expect.any(String) });
    expect(await client.nextOfType('message')).toMatchObject({ channel: 'user:api-user', payload: { note: 'from the backend' }, offset: 1, epoch: body.epoch });
    await client.close();
  });

  it('honours idempotencyKey', async () => {
    const first = await (await api(gw, '/api/publish', { channel: 'room:api-idem', payload: 1, idempotencyKey: 'order-7' })).json();
    const again = await (await api(gw, '/api/publish', { channel: 'room:api-idem', payload: 1, idempotencyKey: 'order-7' })).json();
    expect(again).toEqual(first);
  });

  it('broadcasts to several channels', async () => {
    const response = await api(gw, '/api/broadcast', { channels: ['room:b1', 'room:b2'], payload: 'hello' });
    expect(response.status).toBe(200);
    expect((await response.json()).results).toEqual([
      { channel: 'room:b1', offset: 1, epoch: expect.any(String) },
      { channel: 'room:b2', offset: 1, epoch: expect.any(String) },
    ]);
  });

  it('returns history after since', async () => {
    for (let i = 1; i <= 4; i++) await api(gw, '/api/publish', { channel: 'room:hist', payload: { i } });
    const response = await api(gw, '/api/channels/room:hist/history?since=2');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ channel: 'room:hist', offset: 4, complete: true });
    expect(body.publications.map((p: { offset: number }) => p.offset)).toEqual([3, 4]);
    const all = await (await api(gw, '/api/channels/room:hist/history')).json();
    expect(all.publications).toHaveLength(4);
  });

  it('disconnects a disabled user with 4003 on every connection', async () => {
    const a = await connect(await ticketUrl(gw, 'disabled-user'));
    const b = await connect(await ticketUrl(gw, 'disabled-user'));
    const other = await connect(await ticketUrl(gw, 'kept-user'));
    const response = await api(gw, '/api/disconnect', { userId: 'disabled-user' });
    expect(await response.json()).toEqual({ disconnected: 2 });
    expect(await a.client.closed).toEqual({ code: 4003, reason: 'user disabled' });
    expect(await b.client.closed).toEqual({ code: 4003, reason: 'user disabled' });
    expect((await other.client.request({ type: 'ping', id: 'still' })).type).toBe('pong');
    await other.client.close();
  });

  it.each([
    ['/api/publish', '{oops', 'body'],
    ['/api/publish', { payload: 1 }, 'channel'],
    ['/api/publish', { channel: 'has space', payload: 1 }, 'channel'],
    ['/api/publish', { channel: 'room:1' }, 'payload'],
    ['/api/publish', { channel: 'room:1', payload: 1, extra: true }, 'extra'],
    ['/api/publish', { channel: 'room:1', payload: 1, idempotencyKey: 5 }, 'idempotencyKey'],
    ['/api/broadcast', { channels: [], payload: 1 }, 'channels'],
    ['/api/broadcast', { channels: ['ok', 'not ok'], payload: 1 }, 'channels.1'],
    ['/api/disconnect', {}, 'userId'],
    ['/api/disconnect', { userId: 'u', code: 1011 }, 'code'],
  ])('answers 400 naming the field for a bad body on %s (%j)', async (path, body, field) => {
    const response = await api(gw, path, body);
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('BAD_REQUEST');
    if (field !== 'body') expect(error.message).toContain(field);
  });

  it.each([
    ['/api/channels/has%20space/history', 'name'],
    ['/api/channels/room:1/history?since=-1', 'since'],
    ['/api/channels/room:1/history?since=abc', 'since'],
    ['/api/channels/room:1/history?bogus=1', 'bogus'],
  ])('answers 400 naming the field for %s', async (path, field) => {
    const response = await api(gw, path);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain(field);
  });

  it('counts API publications in /metrics', async () => {
    const text = await (await fetch(gw.http('/metrics'))).text();
    expect(text).toMatch(/switchboard_publications_total\{source="api"\} [1-9]/);
  });
});
