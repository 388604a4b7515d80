import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { refusedHandshake } from '../support/test-socket.js';
import { SECRET_ENV } from '../support/tokens.js';

/** What an appending proxy in front of the gateway saw as the client's address. */
const PROXY_SEEN = '203.0.113.7';

/** Four handshakes without credentials: the per-IP limit answers before authentication does. */
async function statuses(gw: RunningGateway, forwardedFor: (i: number) => string): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < 4; i++) {
    result.push((await refusedHandshake(gw.ws(), { headers: { 'x-forwarded-for': forwardedFor(i) } })).status);
  }
  return result;
}

describe('X-Forwarded-For behind trusted proxies (the per-IP handshake limit)', () => {
  const oneHop = useGateway({ ...SECRET_ENV, TRUST_PROXY: 'true', HANDSHAKE_RATE_PER_IP: '3' });
  const twoHops = useGateway({ ...SECRET_ENV, TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2', HANDSHAKE_RATE_PER_IP: '3' });

  it('keys the limit on the hop the proxy appended, not on what the client wrote before it', async () => {
    // The client forges a new first hop each time; the proxy appends the address it really saw.
    expect(await statuses(oneHop, (i) => `198.51.100.${i}, ${PROXY_SEEN}`)).toEqual([401, 401, 401, 429]);
    await expectServing(oneHop);
  });

  it('counts TRUST_PROXY_HOPS from the right', async () => {
    // Two proxies: the outer one appended the client, the inner one appended the outer proxy.
    expect(await statuses(twoHops, (i) => `198.51.100.${i}, 192.0.2.55, 10.0.0.2`)).toEqual([401, 401, 401, 429]);
    const other = await refusedHandshake(twoHops.ws(), { headers: { 'x-forwarded-for': '192.0.2.56, 10.0.0.2' } });
    expect(other.status).toBe(401);
    await expectServing(twoHops);
  });

  it('falls back to the socket peer for an entry that is not an IP address', async () => {
    await withGateway({ ...SECRET_ENV, TRUST_PROXY: 'true', HANDSHAKE_RATE_PER_IP: '3' }, async (gw) => {
      expect(await statuses(gw, (i) => `not-an-ip-${i}`)).toEqual([401, 401, 401, 429]);
    });
  });
});

describe('discovery behind proxies (cache poisoning)', () => {
  it('never lets a shared cache keep URLs built from forwarded headers', async () => {
    await withGateway({ ...SECRET_ENV, TRUST_PROXY: 'true' }, async (gw) => {
      const response = await fetch(gw.http('/ws/config'), { headers: { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' } });
      const document = await response.json();
      // Honoured for this one request, as TRUST_PROXY says, but private to whoever asked.
      expect(document.auth.ticketUrl).toBe('https://attacker.example/ws/ticket');
      expect(response.headers.get('cache-control')).toBe('private, max-age=60');
      await expectServing(gw);
    });
  });

  it('ignores a forwarded host that is not a host, falling back to Host', async () => {
    await withGateway({ ...SECRET_ENV, TRUST_PROXY: 'true' }, async (gw) => {
      for (const forged of ['evil.example/steal?x=', 'user@evil.example', 'evil.example\\@good', ' ']) {
        const document = await (await fetch(gw.http('/ws/config'), { headers: { 'x-forwarded-host': forged } })).json();
        expect(document.auth.ticketUrl).toBe(`http://127.0.0.1:${gw.port}/ws/ticket`);
      }
      await expectServing(gw);
    });
  });

  it('with PUBLIC_URL, ignores forwarded headers and is publicly cacheable', async () => {
    await withGateway({ ...SECRET_ENV, TRUST_PROXY: 'true', PUBLIC_URL: 'https://gw.example.com' }, async (gw) => {
      const response = await fetch(gw.http('/ws/config'), { headers: { 'x-forwarded-host': 'attacker.example' } });
      expect((await response.json()).auth.ticketUrl).toBe('https://gw.example.com/ws/ticket');
      expect(response.headers.get('cache-control')).toBe('public, max-age=60');
      await expectServing(gw);
    });
  });
});
