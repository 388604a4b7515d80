import { useGateway, withGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { connect, refusedHandshake } from '../support/test-socket.js';
import { SECRET_ENV, signToken, ticketUrl } from '../support/tokens.js';

/**
 * Origin headers that are not serialized origins but that `new URL()` would quietly
 * normalize into an allowed one: each must be refused, and CORS must never reflect it.
 */
const TRICKS = [
  'https://evil.test@app.example.com',
  'https://app.example.com@evil.test',
  'https://app.example.com/',
  'https://app.example.com/path',
  'https://app.example.com?x=1',
  'https://app.example.com#fragment',
  'https://app.example.com\\@evil.test',
  'https:\\\\app.example.com',
  'https://app%2eexample.com',
  'https://%61pp.example.com',
  'https://*.example.org',
  'https://app.example.com:99999',
  'https://app.example.com.',
  'HTTPS://app.example.com/../',
];

describe('origin tricks against the allowlist and CORS', () => {
  const gw = useGateway({ ...SECRET_ENV, ALLOWED_ORIGINS: 'https://app.example.com,https://*.example.org' });

  it.each(TRICKS)('refuses the handshake from %s with 403 ORIGIN_NOT_ALLOWED', async (origin) => {
    const refusal = await refusedHandshake(gw.ws(), { headers: { origin, authorization: `Bearer ${await signToken('tricked')}` } });
    expect(refusal.status).toBe(403);
    expect(refusal.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it.each(TRICKS)('never reflects %s in CORS, on the preflight or the ticket route', async (origin) => {
    const preflight = await fetch(gw.http('/ws/ticket'), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const ticket = await fetch(gw.http('/ws/ticket'), {
      method: 'POST',
      headers: { origin, authorization: `Bearer ${await signToken('tricked')}` },
    });
    expect(ticket.status).toBe(403);
    expect(ticket.headers.get('access-control-allow-origin')).toBeNull();
    const discovery = await fetch(gw.http('/ws/config'), { headers: { origin } });
    expect(discovery.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('still admits the real origins, as browsers send them', async () => {
    for (const origin of ['https://app.example.com', 'https://a.example.org']) {
      const { client } = await connect(await ticketUrl(gw, `real-${origin}`), { headers: { origin } });
      await client.close();
    }
    await expectServing(gw);
  });
});

describe('origin tricks in development mode (ALLOWED_ORIGINS=*)', () => {
  it('reflects serialized origins only', async () => {
    await withGateway({}, async (gw) => {
      for (const origin of TRICKS) {
        const response = await fetch(gw.http('/ws/config'), { headers: { origin } });
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
      }
      const real = await fetch(gw.http('/ws/config'), { headers: { origin: 'http://localhost:5173' } });
      expect(real.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect((await fetch(gw.http('/health'))).status).toBe(200);
    });
  });
});
