import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { connect, refusedHandshake } from '../support/test-socket.js';
import { SECRET_ENV, TEST_SECRET, signToken } from '../support/tokens.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const exp = () => Math.floor(Date.now() / 1000) + 600;

/** A token with `alg: none` and no signature, as an attacker would send it. */
const unsignedToken = (sub: string) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub, exp: exp() })}.`;

const sign = (key: CryptoKey | Uint8Array, alg: string, kid: string | undefined, claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader(kid ? { alg, kid } : { alg }).setExpirationTime(exp()).sign(key);

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('JWKS verification (RS256, ES256) against a local JWKS server', () => {
  let jwks: Server;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let stranger: { privateKey: CryptoKey; publicKey: CryptoKey };

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    ec = await generateKeyPair('ES256', { extractable: true });
    stranger = await generateKeyPair('RS256', { extractable: true });
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    jwks = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    jwks.listen(0, '127.0.0.1');
    await once(jwks, 'listening');
  });
  const gw = useGateway(() => ({
    JWT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    JWT_ISSUER: 'https://issuer.test',
    JWT_AUDIENCE: 'switchboard',
  }));
  afterAll(() => {
    jwks.close();
  });

  const claims = { sub: 'jwks-user', iss: 'https://issuer.test', aud: 'switchboard' };

  it('accepts an RS256 token signed by a JWKS key, at the handshake and at /ws/ticket', async () => {
    const token = await sign(rsa.privateKey, 'RS256', 'rsa-1', claims);
    const direct = await connect(gw.ws(), bearer(token));
    expect(direct.welcome.payload.userId).toBe('jwks-user');
    await direct.client.close();
    const response = await fetch(gw.http('/ws/ticket'), { method: 'POST', ...bearer(token) });
    expect(response.status).toBe(201);
    const viaTicket = await connect((await response.json()).url);
    expect(viaTicket.welcome.payload.userId).toBe('jwks-user');
    await viaTicket.client.close();
  });

  it('accepts an ES256 token signed by a JWKS key', async () => {
    const { client, welcome } = await connect(gw.ws(), bearer(await sign(ec.privateKey, 'ES256', 'ec-1', claims)));
    expect(welcome.payload.userId).toBe('jwks-user');
    await client.close();
  });

  it.each([
    ['signed by a key the JWKS does not hold', async () => sign(stranger.privateKey, 'RS256', 'rsa-1', claims)],
    ['with an unknown kid', async () => sign(stranger.privateKey, 'RS256', 'nobody', claims)],
    ['with alg none', async () => unsignedToken('jwks-user')],
    [
      'HS256-signed with the RSA public key as secret (algorithm confusion)',
      async () => sign(new TextEncoder().encode(await exportSPKI(rsa.publicKey)), 'HS256', 'rsa-1', claims),
    ],
    ['from another issuer', async () => sign(rsa.privateKey, 'RS256', 'rsa-1', { ...claims, iss: 'https://evil.test' })],
    ['for another audience', async () => sign(rsa.privateKey, 'RS256', 'rsa-1', { ...claims, aud: 'other' })],
  ])('refuses a token %s with 401, at the handshake and at /ws/ticket', async (_name, makeToken) => {
    const token = await makeToken();
    const refusal = await refusedHandshake(gw.ws(), bearer(token));
    expect(refusal).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    const response = await fetch(gw.http('/ws/ticket'), { method: 'POST', ...bearer(token) });
    expect(response.status).toBe(401);
  });
});

describe('HS256 secret verification', () => {
  const gw = useGateway({ ...SECRET_ENV });

  it('refuses alg none', async () => {
    const refusal = await refusedHandshake(gw.ws(), bearer(unsignedToken('mallory')));
    expect(refusal.status).toBe(401);
  });

  it('refuses a token in an algorithm off the allowlist (HS512 with the right secret, RS256)', async () => {
    const hs512 = await sign(new TextEncoder().encode(TEST_SECRET), 'HS512', undefined, { sub: 'x' });
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await sign(privateKey, 'RS256', undefined, { sub: 'x' });
    for (const token of [hs512, rs256]) {
      expect((await refusedHandshake(gw.ws(), bearer(token))).status).toBe(401);
    }
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({ sub: 'forever' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(TEST_SECRET));
    const refusal = await refusedHandshake(gw.ws(), bearer(token));
    expect(refusal.status).toBe(401);
    expect(refusal.body.error.message).toMatch(/exp/);
  });

  it('takes the user id from JWT_USER_CLAIM when configured', async () => {
    await withGateway({ ...SECRET_ENV, JWT_USER_CLAIM: 'uid' }, async (custom) => {
      const { client, welcome } = await connect(custom.ws(), bearer(await signToken('ignored', { uid: 'from-uid' })));
      expect(welcome.payload.userId).toBe('from-uid');
      await client.close();
    });
  });
});
