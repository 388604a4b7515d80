import { useGateway, withGateway } from '../support/gateway-resource.js';
import { connect, refusedHandshake } from '../support/test-socket.js';
import { SECRET_ENV, signToken, ticketUrl } from '../support/tokens.js';

describe('handshake admission (protocol §3)', () => {
  const gw = useGateway({
    ...SECRET_ENV,
    ALLOWED_ORIGINS: 'https://app.example.com,https://*.example.org,http://localhost:5173',
    MAX_CONNECTIONS_PER_USER: '2',
  });

  it('accepts a ticket, selects the subprotocol and sends welcome first', async () => {
    const { client, welcome } = await connect(await ticketUrl(gw, 'alice'));
    expect(client.socket.protocol).toBe('switchboard.v1');
    expect(welcome.type).toBe('welcome');
    expect(welcome.payload).toMatchObject({ userId: 'alice', protocol: 1, heartbeatMs: 25_000 });
    expect(welcome.payload.limits).toEqual({
      maxConnectionsPerUser: 2,
      rateLimit: { messages: 60, intervalMs: 10_000, burst: 60 },
      maxMessageBytes: 65_536,
      heartbeatMs: 25_000,
    });
    expect(typeof welcome.payload.connectionId).toBe('string');
    expect(welcome.payload.expiresAt).toBeGreaterThan(Date.now());
    expect(typeof welcome.ts).toBe('number');
    await client.close();
  });

  it('accepts Authorization: Bearer from non-browser clients', async () => {
    const token = await signToken('server-side');
    const { client, welcome } = await connect(gw.ws(), { headers: { authorization: `Bearer ${token}` } });
    expect(welcome.payload.userId).toBe('server-side');
    await client.close();
  });

  it('refuses a client that offers only unknown subprotocols with 400', async () => {
    const refusal = await refusedHandshake(await ticketUrl(gw, 'alice'), { protocols: ['mqtt'] });
    expect(refusal.status).toBe(400);
    expect(refusal.body.error.code).toBe('BAD_REQUEST');
  });

  it('answers 404 with the JSON body for another path', async () => {
    const refusal = await refusedHandshake(gw.ws('/elsewhere'));
    expect(refusal.status).toBe(404);
    expect(refusal.body.error.code).toBe('NOT_FOUND');
  });

  describe('origin allowlist', () => {
    const attempt = async (origin: string) =>
      refusedHandshake(await ticketUrl(gw, 'origin-user'), { headers: { origin } }).catch(() => 'accepted' as const);

    it.each([
      'https://app.example.com',
      'https://a.example.org',
      'http://localhost:5173',
    ])('admits %s', async (origin) => {
      const { client } = await connect(await ticketUrl(gw, `o-${origin}`), { headers: { origin } });
      await client.close();
    });

    it.each([
      'https://evil.example.com',
      'https://a.b.example.org',
      'https://example.org',
      'http://app.example.com',
      'https://app.example.com:8443',
      'http://localhost:3000',
      'null',
    ])('refuses %s with 403 ORIGIN_NOT_ALLOWED', async (origin) => {
      const refusal = await attempt(origin);
      expect(refusal).not.toBe('accepted');
      if (refusal === 'accepted') return;
      expect(refusal.status).toBe(403);
      expect(refusal.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
    });
  });

  describe('credentials', () => {
    it('refuses a handshake without credentials with 401', async () => {
      const refusal = await refusedHandshake(gw.ws());
      expect(refusal.status).toBe(401);
      expect(refusal.body.error.code).toBe('UNAUTHORIZED');
    });

    it('refuses an invalid JWT, an expired one and one signed with another secret', async () => {
      const expired = await signToken('alice', {}, -10);
      const forged = (await signToken('alice')).replace(/\.[^.]+$/, '.AAAA');
      for (const token of ['not-a-jwt', expired, forged]) {
        const refusal = await refusedHandshake(gw.ws(), { headers: { authorization: `Bearer ${token}` } });
        expect(refusal.status).toBe(401);
        expect(refusal.body.error.code).toBe('UNAUTHORIZED');
      }
    });

    it('refuses an unknown ticket', async () => {
      const refusal = await refusedHandshake(gw.ws('/ws?ticket=never-issued'));
      expect(refusal).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    });

    it('refuses a ticket used twice', async () => {
      const url = await ticketUrl(gw, 'reuser');
      const { client } = await connect(url);
      const refusal = await refusedHandshake(url);
      expect(refusal).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
      await client.close();
    });

    it('refuses ?access_token= unless enabled', async () => {
      const token = await signToken('alice');
      const refusal = await refusedHandshake(gw.ws(`/ws?access_token=${token}`));
      expect(refusal.status).toBe(401);
      expect(refusal.body.error.message).toMatch(/disabled/);
    });

    it('refuses a token whose user claim is missing', async () => {
      const token = await signToken('', {});
      const refusal = await refusedHandshake(gw.ws(), { headers: { authorization: `Bearer ${token}` } });
      expect(refusal.status).toBe(401);
    });
  });

  it('refuses a third connection of one user with 429 TOO_MANY_CONNECTIONS (policy reject)', async () => {
    const first = await connect(await ticketUrl(gw, 'capped'));
    const second = await connect(await ticketUrl(gw, 'capped'));
    const refusal = await refusedHandshake(await ticketUrl(gw, 'capped'));
    expect(refusal.status).toBe(429);
    expect(refusal.body.error.code).toBe('TOO_MANY_CONNECTIONS');
    await first.client.close();
    const third = await connect(await ticketUrl(gw, 'capped'));
    await Promise.all([second.client.close(), third.client.close()]);
  });

  it('does not spend a ticket when an earlier check refuses the handshake', async () => {
    const url = await ticketUrl(gw, 'origin-first');
    const refusal = await refusedHandshake(url, { headers: { origin: 'https://evil.example.com' } });
    expect(refusal.status).toBe(403);
    const { client } = await connect(url);
    await client.close();
  });
});

describe('handshake admission with limits', () => {
  it('answers 429 with Retry-After when one IP handshakes too fast', async () => {
    await withGateway({ ...SECRET_ENV, HANDSHAKE_RATE_PER_IP: '3' }, async (gw) => {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await refusedHandshake(gw.ws()));
      expect(results.slice(0, 3).map((r) => r.status)).toEqual([401, 401, 401]);
      expect(results[3].status).toBe(429);
      expect(results[3].body.error.code).toBe('RATE_LIMITED');
      expect(Number(results[3].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });
  });

  it('answers 503 OVERLOADED at the global connection cap', async () => {
    await withGateway({ ...SECRET_ENV, MAX_CONNECTIONS: '2' }, async (gw) => {
      const a = await connect(await ticketUrl(gw, 'u1'));
      const b = await connect(await ticketUrl(gw, 'u2'));
      const refusal = await refusedHandshake(await ticketUrl(gw, 'u3'));
      expect(refusal.status).toBe(503);
      expect(refusal.body.error.code).toBe('OVERLOADED');
      await Promise.all([a.client.close(), b.client.close()]);
    });
  });

  it('reports the per-user cap before the global cap', async () => {
    await withGateway({ ...SECRET_ENV, MAX_CONNECTIONS: '1', MAX_CONNECTIONS_PER_USER: '1' }, async (gw) => {
      const a = await connect(await ticketUrl(gw, 'u1'));
      const refusal = await refusedHandshake(await ticketUrl(gw, 'u1'));
      expect(refusal.status).toBe(429);
      expect(refusal.body.error.code).toBe('TOO_MANY_CONNECTIONS');
      await a.client.close();
    });
  });

  it('closes the oldest connection 4008 with policy evict-oldest', async () => {
    await withGateway({ ...SECRET_ENV, MAX_CONNECTIONS_PER_USER: '2', CONNECTION_POLICY: 'evict-oldest' }, async (gw) => {
      const oldest = await connect(await ticketUrl(gw, 'evictee'));
      const middle = await connect(await ticketUrl(gw, 'evictee'));
      const newest = await connect(await ticketUrl(gw, 'evictee'));
      expect(await oldest.client.closed).toEqual({ code: 4008, reason: 'evicted by a newer connection' });
      expect((await middle.client.request({ type: 'ping', id: 'p' })).type).toBe('pong');
      expect((await newest.client.request({ type: 'ping', id: 'p' })).type).toBe('pong');
      await Promise.all([middle.client.close(), newest.client.close()]);
    });
  });

  it('accepts ?access_token= when AUTH_QUERY_TOKEN=true', async () => {
    await withGateway({ ...SECRET_ENV, AUTH_QUERY_TOKEN: 'true' }, async (gw) => {
      const { client, welcome } = await connect(gw.ws(`/ws?access_token=${await signToken('query-user')}`));
      expect(welcome.payload.userId).toBe('query-user');
      await client.close();
    });
  });
});
