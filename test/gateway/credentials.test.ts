import { setTimeout as delay } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import { useGateway } from '../support/gateway-resource.js';
import { connect, refusedHandshake } from '../support/test-socket.js';
import { SECRET_ENV, issueTicket, signToken } from '../support/tokens.js';

describe('credential lifetime', () => {
  const gw = useGateway({ ...SECRET_ENV, TICKET_TTL_MS: '1000' });

  it('closes 4001 when the credential expires without refresh', async () => {
    const { url } = await issueTicket(gw, await signToken('short', {}, 2));
    const { client, welcome } = await connect(url);
    expect(welcome.payload.expiresAt).toBeLessThanOrEqual(Date.now() + 2_000);
    expect(await client.closed).toEqual({ code: 4001, reason: 'credential expired' });
  });

  it('keeps a connection past the old expiry after an in-band auth refresh', async () => {
    const { url } = await issueTicket(gw, await signToken('refresher', {}, 2));
    const { client, welcome } = await connect(url);
    const ack = await client.request({ type: 'auth', id: 'r1', payload: { token: await signToken('refresher', {}, 600) } });
    expect(ack.type).toBe('ack');
    expect(ack.payload.expiresAt).toBeGreaterThan(welcome.payload.expiresAt + 500_000);
    // The old credential's expiry has to pass for the test to show anything: nothing to await.
    await delay(welcome.payload.expiresAt - Date.now() + 500);
    expect((await client.request({ type: 'ping', id: 'alive' })).type).toBe('pong');
    await client.close();
  });

  it('refuses a refresh for another user or with a bad token, keeping the old credential', async () => {
    const { url } = await issueTicket(gw, await signToken('owner', {}, 600));
    const { client } = await connect(url);
    const otherUser = await client.request({ type: 'auth', id: 'o', payload: { token: await signToken('intruder') } });
    expect(otherUser).toMatchObject({ type: 'error', id: 'o', payload: { code: 'UNAUTHORIZED' } });
    const garbage = await client.request({ type: 'auth', id: 'g', payload: { token: 'garbage' } });
    expect(garbage).toMatchObject({ type: 'error', id: 'g', payload: { code: 'UNAUTHORIZED' } });
    const expired = await client.request({ type: 'auth', id: 'e', payload: { token: await signToken('owner', {}, -5) } });
    expect(expired).toMatchObject({ type: 'error', id: 'e', payload: { code: 'UNAUTHORIZED' } });
    expect((await client.request({ type: 'ping', id: 'still' })).type).toBe('pong');
    await client.close();
  });

  it('refuses a ticket after its TTL', async () => {
    const { url, expiresAt } = await issueTicket(gw, await signToken('late'));
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(1_000);
    await delay(expiresAt - Date.now() + 100);
    const refusal = await refusedHandshake(url);
    expect(refusal).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
  });

  it('binds a ticket to the JWT expiry: the connection ends with the token, the ticket never outlives it', async () => {
    const token = await signToken('bound', {}, 600);
    const { url } = await issueTicket(gw, token);
    const { client, welcome } = await connect(url);
    expect(welcome.payload.expiresAt).toBe(decodeJwt(token).exp! * 1000);
    await client.close();

    const expiring = await signToken('bound-soon', {}, 1);
    const ticket = await issueTicket(gw, expiring);
    expect(ticket.expiresAt).toBeLessThanOrEqual(decodeJwt(expiring).exp! * 1000);
  });
});

describe('POST /ws/ticket', () => {
  const gw = useGateway({ ...SECRET_ENV, ALLOWED_ORIGINS: 'https://app.example.com' });

  it('answers 201 with a ticket of at least 128 bits and a full WebSocket URL', async () => {
    const response = await fetch(gw.http('/ws/ticket'), {
      method: 'POST',
      headers: { authorization: `Bearer ${await signToken('t-user')}`, origin: 'https://app.example.com' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const body = await response.json();
    expect(Buffer.from(body.ticket, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(body.url).toBe(`ws://127.0.0.1:${gw.port}/ws?ticket=${body.ticket}`);
    expect(body.expiresAt).toBeGreaterThan(Date.now());
  });

  it.each([
    ['no Authorization header', undefined],
    ['a malformed token', 'Bearer nope'],
    ['an expired token', 'expired'],
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
  ])('answers 401 with the JSON error body for %s', async (_name, header) => {
    const authorization = header === 'expired' ? `Bearer ${await signToken('x', {}, -10)}` : header;
    const response = await fetch(gw.http('/ws/ticket'), {
      method: 'POST',
      headers: authorization ? { authorization } : {},
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
  });

  it('answers 403 ORIGIN_NOT_ALLOWED to a browser on another origin', async () => {
    const response = await fetch(gw.http('/ws/ticket'), {
      method: 'POST',
      headers: { authorization: `Bearer ${await signToken('t-user')}`, origin: 'https://evil.example.com' },
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the CORS preflight for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(gw.http('/ws/ticket'), {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const refused = await preflight('https://evil.example.com');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
