import { once } from 'node:events';
import { runGatewayProcess } from '../support/gateway-process.js';
import { withGateway } from '../support/gateway-resource.js';
import { TEST_SECRET } from '../support/tokens.js';

const JWKS = 'http://127.0.0.1:9/jwks.json';

/** Starts the gateway with `env` and resolves with its exit code and output. */
async function failedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { child, output } = runGatewayProcess(env);
  const [code] = await once(child, 'close');
  return { code: code as number | null, output: output() };
}

describe('configuration validation', () => {
  it.concurrent.each([
    ['PORT', { PORT: 'abc' }, /integer from 0 to 65535/],
    ['PORT', { PORT: '70000' }, /integer from 0 to 65535/],
    ['PUBLIC_URL', { PUBLIC_URL: 'not a url' }, /absolute http/],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://files.example.com' }, /absolute http/],
    ['TRUST_PROXY', { TRUST_PROXY: 'maybe' }, /true or false/],
    ['JWT_SECRET', { JWT_SECRET: 'too-short' }, /at least 32 characters \(value hidden\)/],
    ['JWT_JWKS_URL', { JWT_JWKS_URL: 'jwks.json' }, /absolute http/],
    ['JWT_ALGORITHMS', { JWT_SECRET: TEST_SECRET, JWT_ALGORITHMS: 'none' }, /HS256/],
    ['JWT_ALGORITHMS', { JWT_SECRET: TEST_SECRET, JWT_ALGORITHMS: 'HS256,RS256' }, /with JWT_SECRET/],
    ['JWT_ALGORITHMS', { JWT_JWKS_URL: JWKS, JWT_ALGORITHMS: 'HS256' }, /with JWT_JWKS_URL/],
    ['JWT_ALGORITHMS', { JWT_ALGORITHMS: 'HS256' }, /set JWT_SECRET or JWT_JWKS_URL/],
    ['JWT_SECRET, JWT_JWKS_URL', { JWT_SECRET: TEST_SECRET, JWT_JWKS_URL: JWKS }, /not both/],
    ['JWT_SECRET or JWT_JWKS_URL', { NODE_ENV: 'production' }, /required when NODE_ENV=production/],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'app.example.com' }, /expected origins like/],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://a.*.example.com' }, /expected origins like/],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://example.com/path' }, /expected origins like/],
    ['ALLOWED_ORIGINS', { NODE_ENV: 'production', JWT_SECRET: TEST_SECRET, ALLOWED_ORIGINS: '*' }, /refused when NODE_ENV=production/],
    ['MAX_CONNECTIONS_PER_USER', { MAX_CONNECTIONS_PER_USER: '0' }, /integer from 1/],
    ['CONNECTION_POLICY', { CONNECTION_POLICY: 'random' }, /reject or evict-oldest/],
    ['MAX_CONNECTIONS', { MAX_CONNECTIONS: '-5' }, /integer from 0/],
    ['HANDSHAKE_RATE_PER_IP', { HANDSHAKE_RATE_PER_IP: '0' }, /integer from 1/],
    ['RATE_LIMIT_MESSAGES', { RATE_LIMIT_MESSAGES: '1.5' }, /integer/],
    ['RATE_LIMIT_INTERVAL_MS', { RATE_LIMIT_INTERVAL_MS: '0' }, /integer from 1/],
    ['RATE_LIMIT_BURST', { RATE_LIMIT_BURST: 'lots' }, /integer/],
    ['MAX_MESSAGE_BYTES', { MAX_MESSAGE_BYTES: '10' }, /integer from 64/],
    ['HEARTBEAT_MS', { HEARTBEAT_MS: '10' }, /integer from 50/],
    ['MAX_BUFFERED_BYTES', { MAX_BUFFERED_BYTES: '1' }, /integer from 1024/],
    ['TICKET_TTL_MS', { TICKET_TTL_MS: '5' }, /integer from 1000/],
    ['DRAIN_TIMEOUT_MS', { DRAIN_TIMEOUT_MS: '-1' }, /integer from 0/],
    ['DRAIN_SPREAD_MS', { DRAIN_SPREAD_MS: 'soon' }, /integer from 0/],
    ['AUTH_QUERY_TOKEN', { AUTH_QUERY_TOKEN: 'yes' }, /true or false/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /expected one of fatal/],
    ['TRUST_PROXY_HOPS', { TRUST_PROXY_HOPS: '0' }, /integer from 1 to 16/],
    ['PUBLIC_URL', { NODE_ENV: 'production', JWT_SECRET: TEST_SECRET, TRUST_PROXY: 'true' }, /required with TRUST_PROXY/],
    ['HTTP_HEADERS_TIMEOUT_MS', { HTTP_HEADERS_TIMEOUT_MS: '10' }, /integer from 1000/],
    ['HTTP_REQUEST_TIMEOUT_MS', { HTTP_REQUEST_TIMEOUT_MS: 'never' }, /integer/],
    ['MAX_PENDING_REQUESTS_PER_IP', { MAX_PENDING_REQUESTS_PER_IP: '0' }, /integer from 1/],
    ['JWT_JWKS_REFRESH_MS', { JWT_JWKS_REFRESH_MS: '5' }, /integer from 1000/],
    ['JWT_JWKS_COOLDOWN_MS', { JWT_JWKS_COOLDOWN_MS: '-1' }, /integer from 0/],
    ['TICKET_RATE_PER_USER', { TICKET_RATE_PER_USER: '0' }, /integer from 1/],
    ['TICKET_RATE_PER_IP', { TICKET_RATE_PER_IP: 'many' }, /integer/],
    ['MAX_JSON_DEPTH', { MAX_JSON_DEPTH: '0' }, /integer from 1 to 1000/],
    ['MAX_SUBSCRIPTIONS_PER_CONNECTION', { MAX_SUBSCRIPTIONS_PER_CONNECTION: '0' }, /integer from 1/],
    ['HISTORY_MAX_BYTES', { HISTORY_MAX_BYTES: '100' }, /integer from 1024/],
    ['HISTORY_MAX_TOTAL_BYTES', { HISTORY_MAX_TOTAL_BYTES: '1e9' }, /integer/],
  ])('refuses a bad %s and says what it expects', async (name, env, expects) => {
    const { code, output } = await failedStart(env as Record<string, string>);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain(`${name}:`);
    expect(output).toMatch(expects);
    expect(output).not.toContain('gateway listening');
  });

  it('never repeats a secret in its message', async () => {
    const { output } = await failedStart({ JWT_SECRET: 'short-but-secret' });
    expect(output).toContain('JWT_SECRET:');
    expect(output).not.toContain('short-but-secret');
  });

  it('lists every bad variable at once', async () => {
    const { code, output } = await failedStart({ PORT: 'x', LOG_LEVEL: 'loud', HEARTBEAT_MS: '1' });
    expect(code).toBe(1);
    for (const name of ['PORT:', 'LOG_LEVEL:', 'HEARTBEAT_MS:']) expect(output).toContain(name);
  });

  it('treats an empty variable as unset', async () => {
    await withGateway({ JWT_SECRET: TEST_SECRET, PUBLIC_URL: '', MAX_CONNECTIONS: '' }, async (gw) => {
      expect(gw.port).toBeGreaterThan(0);
      expect(await gw.stop()).toBe(0);
    });
  });
});

describe('development mode', () => {
  it('starts without JWT configuration, says so loudly, and issues tokens at /dev/token', async () => {
    await withGateway({}, async (gw) => {
      expect(gw.output()).toContain('DEVELOPMENT MODE');
      expect(gw.output()).toContain('/dev/token');
      const response = await fetch(gw.http('/dev/token'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'dev-alice', ttlSeconds: 60 }),
      });
      expect(response.status).toBe(201);
      const { token, expiresAt } = await response.json();
      expect(expiresAt).toBeGreaterThan(Date.now());
      const ticket = await fetch(gw.http('/ws/ticket'), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(ticket.status).toBe(201);
      const bad = await fetch(gw.http('/dev/token'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ttlSeconds: -1 }),
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error).toEqual({ code: 'BAD_REQUEST', message: expect.stringContaining('ttlSeconds') });
      for (const body of ['{not json', '[1]', '{"userId":5}', '{"userId":"a","admin":true}']) {
        const refused = await fetch(gw.http('/dev/token'), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(refused.status).toBe(400);
        expect((await refused.json()).error.code).toBe('BAD_REQUEST');
      }
    });
  });

  it('has no /dev/token route once JWT configuration is given', async () => {
    await withGateway({ JWT_SECRET: TEST_SECRET }, async (gw) => {
      const response = await fetch(gw.http('/dev/token'), { method: 'POST' });
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe('NOT_FOUND');
      expect(gw.output()).not.toContain('DEVELOPMENT MODE');
    });
  });
});
