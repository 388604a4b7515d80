import { createHmac, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { attemptHandshake, connect, refusedHandshake, type TestSocket } from '../support/test-socket.js';
import { SECRET_ENV, TEST_SECRET, issueTicket, signToken } from '../support/tokens.js';

const VICTIM = 'victim';
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'switchboard';
const REAL_KID = 'real-1';

/** Every credential path open, and no limit of the gateway's in the way of an attack's answer. */
const BASE_ENV = {
  AUTH_QUERY_TOKEN: 'true',
  HANDSHAKE_RATE_PER_IP: '1000000',
  MAX_PENDING_REQUESTS_PER_IP: '1000000',
  TICKET_RATE_PER_IP: '1000000',
  TICKET_RATE_PER_USER: '1000000',
  RATE_LIMIT_MESSAGES: '1000000',
  RATE_LIMIT_BURST: '1000000',
  MAX_CONNECTIONS_PER_USER: '1000',
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A JWS over any header and any claims: jose's JWT builder would refuse some of these claims. */
const jws = (header: Record<string, unknown>, claims: unknown, key: CryptoKey | KeyObject | Uint8Array) =>
  new CompactSign(bytes(claims)).setProtectedHeader(header as { alg: string }).sign(key);

/** A gateway under attack, and what a token must carry to be a genuine one for it. */
interface Target {
  gw: RunningGateway;
  /** The real issuer's `kid`, when there is one. */
  kid?: string;
  /** Claims besides `sub` and `exp` that the gateway requires. */
  required: Record<string, unknown>;
  /** Signs `claims` exactly as given, as the real issuer. */
  sign(claims: Record<string, unknown>): Promise<string>;
  /** The real verification key, for the algorithm-confusion attacks. */
  publicKey?: KeyObject;
  serving(): Promise<void>;
}

const genuine = (target: Target, claims: Record<string, unknown> = {}) => ({
  sub: VICTIM,
  exp: inSeconds(600),
  ...target.required,
  ...claims,
});

function without(claims: Record<string, unknown>, name: string): Record<string, unknown> {
  const { [name]: _dropped, ...rest } = claims;
  return rest;
}

/** An attacker's web server: the JWKS and certificate a `jku` or `x5u` header points at. */
class AttackerServer {
  readonly hits: string[] = [];
  private readonly server: Server;
  constructor(jwks: { keys: JWK[] }) {
    this.server = createServer((request, response) => {
      this.hits.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
  }
  async listen(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }
  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

let attackerKey: { privateKey: CryptoKey; jwk: JWK };
const attackerSecret = randomBytes(32);
let attacker: AttackerServer;
let issuerJwks: Server;
let jwksUrl: string;
let real: { privateKey: CryptoKey; publicKey: CryptoKey };
let realJwk: JWK;
const targets: Record<'secret' | 'jwks', Target> = {} as Record<'secret' | 'jwks', Target>;

beforeAll(async () => {
  const rsa = await generateKeyPair('RS256', { extractable: true });
  attackerKey = { privateKey: rsa.privateKey, jwk: { ...(await exportJWK(rsa.publicKey)), kid: 'attacker', use: 'sig' } };
  attacker = new AttackerServer({ keys: [attackerKey.jwk] });
  await attacker.listen();

  real = await generateKeyPair('RS256', { extractable: true });
  realJwk = { ...(await exportJWK(real.publicKey)), kid: REAL_KID, alg: 'RS256', use: 'sig' };
  issuerJwks = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [realJwk] }));
  });
  issuerJwks.listen(0, '127.0.0.1');
  await once(issuerJwks, 'listening');
  jwksUrl = `http://127.0.0.1:${(issuerJwks.address() as AddressInfo).port}/.well-known/jwks.json`;
});

const secretGw = useGateway({ ...BASE_ENV, ...SECRET_ENV });
const jwksGw = useGateway(() => ({ ...BASE_ENV, JWT_JWKS_URL: jwksUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }));

beforeAll(() => {
  targets.secret = {
    gw: secretGw,
    required: {},
    sign: (claims) => jws({ alg: 'HS256', typ: 'JWT' }, claims, new TextEncoder().encode(TEST_SECRET)),
    serving: () => expectServing(secretGw),
  };
  targets.jwks = {
    gw: jwksGw,
    kid: REAL_KID,
    required: { iss: ISSUER, aud: AUDIENCE },
    sign: (claims) => jws({ alg: 'RS256', typ: 'JWT', kid: REAL_KID }, claims, real.privateKey),
    publicKey: createPublicKey({ key: realJwk as never, format: 'jwk' }),
    // expectServing's canary is HS256, which this gateway rightly refuses: the same check with the real key.
    serving: async () => {
      expect(jwksGw.child.exitCode).toBeNull();
      expect((await fetch(jwksGw.http('/health'))).status).toBe(200);
      const token = await targets.jwks.sign(genuine(targets.jwks, { sub: 'canary' }));
      const { client, welcome } = await connect(jwksGw.ws(), { headers: bearer(token) });
      expect(welcome.type).toBe('welcome');
      expect((await client.request({ type: 'ping', id: 'serving-check' })).type).toBe('pong');
      await client.close();
    },
  };
});

afterAll(async () => {
  await attacker?.close();
  issuerJwks?.close();
});

/** `token` is refused on the handshake header, at `POST /ws/ticket`, in `?access_token=` and in an `auth` frame. */
async function expectRefusedOnEveryPath(target: Target, token: string): Promise<void> {
  const { gw } = target;
  const refusal = { status: 401, body: { error: { code: 'UNAUTHORIZED' } } };
  expect(await refusedHandshake(gw.ws(), { headers: bearer(token) })).toMatchObject(refusal);
  expect(await refusedHandshake(gw.ws(`/ws?access_token=${encodeURIComponent(token)}`))).toMatchObject(refusal);

  const ticket = await fetch(gw.http('/ws/ticket'), { method: 'POST', headers: bearer(token) });
  expect({ status: ticket.status, body: await ticket.json() }).toMatchObject(refusal);

  const { client, welcome } = await connect(gw.ws(), { headers: bearer(await target.sign(genuine(target))) });
  expect(welcome.payload.userId).toBe(VICTIM);
  const answer = await client.request({ type: 'auth', id: 'forged', payload: { token } });
  expect(answer).toMatchObject({ type: 'error', id: 'forged', payload: { code: 'UNAUTHORIZED' } });
  // The refused refresh leaves the connection on its old credential.
  expect((await client.request({ type: 'ping', id: 'after' })).type).toBe('pong');
  await client.close();
}

type Attack = [name: string, forge: (target: Target) => Promise<string>];

const unsigned = (alg: string, signature: string): Attack => [
  `alg "${alg}" ${signature ? 'with' : 'without'} a signature`,
  async (t) => `${b64({ alg, typ: 'JWT', ...(t.kid ? { kid: t.kid } : {}) })}.${b64(genuine(t))}.${signature}`,
];

const emptySecret: Attack = [
  'HS256 signed with an empty secret',
  async (t) => {
    const input = `${b64({ alg: 'HS256', typ: 'JWT', ...(t.kid ? { kid: t.kid } : {}) })}.${b64(genuine(t))}`;
    // WebCrypto, and so jose, refuses a zero-length HMAC key; node:crypto signs with it.
    return `${input}.${createHmac('sha256', '').update(input).digest('base64url')}`;
  },
];

/** Headers that name a key for the verifier to go and use, signed with that attacker key. */
const keyInHeader = (whose: string, kid: (t: Target) => string): Attack[] => [
  [`a jku header at the attacker's JWKS (${whose} kid)`, async (t) => jws({ alg: 'RS256', kid: kid(t), jku: attacker.url('/jwks.json') }, genuine(t), attackerKey.privateKey)],
  [`an x5u header at the attacker's certificate (${whose} kid)`, async (t) => jws({ alg: 'RS256', kid: kid(t), x5u: attacker.url('/cert.pem') }, genuine(t), attackerKey.privateKey)],
  [`an embedded jwk of the attacker's key (${whose} kid)`, async (t) => jws({ alg: 'RS256', kid: kid(t), jwk: attackerKey.jwk }, genuine(t), attackerKey.privateKey)],
];
const attackersKid = () => 'attacker';
const issuersKid = (t: Target) => t.kid!;

const embeddedSecret: Attack = [
  'an embedded oct jwk with the HS256 secret the attacker signed with',
  async (t) => jws({ alg: 'HS256', jwk: { kty: 'oct', k: attackerSecret.toString('base64url') } }, genuine(t), attackerSecret),
];

const badClaims: Attack[] = [
  ['an expired token', async (t) => t.sign(genuine(t, { exp: inSeconds(-60) }))],
  ['a token whose nbf is in the future', async (t) => t.sign(genuine(t, { nbf: inSeconds(3600) }))],
  ['a token without exp', async (t) => t.sign(without(genuine(t), 'exp'))],
  ['a token whose exp is a string', async (t) => t.sign(genuine(t, { exp: String(inSeconds(600)) }))],
  ['a token without sub', async (t) => t.sign(without(genuine(t), 'sub'))],
  ['a token whose sub is empty', async (t) => t.sign(genuine(t, { sub: '' }))],
  ['a token whose sub is a number', async (t) => t.sign(genuine(t, { sub: 42 }))],
  ['a token whose sub is null', async (t) => t.sign(genuine(t, { sub: null }))],
  ['a token whose sub is an object', async (t) => t.sign(genuine(t, { sub: { id: VICTIM } }))],
  ['a token whose sub is an array', async (t) => t.sign(genuine(t, { sub: [VICTIM] }))],
  ['a token whose sub is only under __proto__', async (t) => t.sign({ ...without(genuine(t), 'sub'), ['__proto__']: { sub: VICTIM } })],
];

const issuerClaims: Attack[] = [
  ['a token from another issuer', async (t) => t.sign(genuine(t, { iss: 'https://evil.test' }))],
  ['a token without iss', async (t) => t.sign(without(genuine(t), 'iss'))],
  ['a token for another audience', async (t) => t.sign(genuine(t, { aud: 'other' }))],
  ['a token for other audiences only', async (t) => t.sign(genuine(t, { aud: ['other', `${AUDIENCE}-x`] }))],
  ['a token without aud', async (t) => t.sign(without(genuine(t), 'aud'))],
];

/** HS256 keyed with the issuer's public key as text: what a verifier confused about key types would accept. */
const confusion = (format: string, text: (key: KeyObject) => string): Attack => [
  `HS256 signed with the JWKS key's public ${format} as secret`,
  async (t) => jws({ alg: 'HS256', typ: 'JWT', kid: t.kid }, genuine(t), new TextEncoder().encode(text(t.publicKey!))),
];

const noneAttacks = ['none', 'None', 'NONE', 'nOnE'].flatMap((alg) => [unsigned(alg, ''), unsigned(alg, randomBytes(32).toString('base64url'))]);

const ATTACKS: Record<'secret' | 'jwks', Attack[]> = {
  secret: [...noneAttacks, emptySecret, ...keyInHeader("the attacker's", attackersKid), embeddedSecret, ...badClaims],
  jwks: [
    ...noneAttacks,
    emptySecret,
    confusion('SPKI PEM', (key) => key.export({ type: 'spki', format: 'pem' }) as string),
    confusion('SPKI PEM without its final newline', (key) => (key.export({ type: 'spki', format: 'pem' }) as string).trimEnd()),
    confusion('PKCS#1 PEM', (key) => key.export({ type: 'pkcs1', format: 'pem' }) as string),
    ...keyInHeader("the attacker's", attackersKid),
    ...keyInHeader("the issuer's", issuersKid),
    embeddedSecret,
    ...badClaims,
    ...issuerClaims,
  ],
};

describe.each(['secret', 'jwks'] as const)('a %s-mode gateway', (mode) => {
  it('accepts a genuine token on all four paths, so each refusal below is the attack refused', async () => {
    const target = targets[mode];
    const { gw } = target;
    const token = await target.sign(genuine(target));
    for (const url of [gw.ws(`/ws?access_token=${encodeURIComponent(token)}`), (await issueTicket(gw, token)).url]) {
      const { client, welcome } = await connect(url);
      expect(welcome.payload.userId).toBe(VICTIM);
      await client.close();
    }
    const { client, welcome } = await connect(gw.ws(), { headers: bearer(token) });
    expect(welcome.payload.userId).toBe(VICTIM);
    expect(await client.request({ type: 'auth', id: 'fresh', payload: { token: await target.sign(genuine(target)) } })).toMatchObject({ type: 'ack' });
    await client.close();
    await target.serving();
  });

  it.each(ATTACKS[mode])('refuses %s on every credential path', async (_name, forge) => {
    const target = targets[mode];
    await expectRefusedOnEveryPath(target, await forge(target));
    await target.serving();
  });

  it('never fetches what a jku or x5u header points at', async () => {
    expect(attacker.hits).toEqual([]);
    await targets[mode].serving();
  });
});

describe('what a refusal tells', () => {
  it('never names the issuer or audience the gateway expects', async () => {
    const target = targets.jwks;
    for (const claims of [{ iss: 'https://evil.test' }, { aud: 'someone-else' }]) {
      const refusal = await refusedHandshake(target.gw.ws(), { headers: bearer(await target.sign(genuine(target, claims))) });
      expect(refusal.status).toBe(401);
      expect(refusal.body.error.message).not.toContain(ISSUER);
      expect(refusal.body.error.message).not.toContain(AUDIENCE);
    }
    await target.serving();
  });
});

describe('ticket attacks', () => {
  const gw = () => targets.secret.gw;
  const unauthorized = { status: 401, body: { error: { code: 'UNAUTHORIZED' } } };

  it('lets exactly one of 10 concurrent handshakes redeem a ticket', async () => {
    const { url } = await issueTicket(gw(), await signToken('racer'));
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => attemptHandshake(url)));
    const winners = outcomes.filter((outcome) => outcome.accepted);
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.accepted)).toEqual(
      Array.from({ length: 9 }, () => ({ accepted: false, status: 401, code: 'UNAUTHORIZED', message: expect.any(String) })),
    );
    await (winners[0] as { client: TestSocket }).client.close();
    await expectServing(gw());
  });

  it('refuses a ticket used again, while its connection is open and after it closed', async () => {
    const { url } = await issueTicket(gw(), await signToken('reuser'));
    const { client, welcome } = await connect(url);
    expect(welcome.payload.userId).toBe('reuser');
    expect(await refusedHandshake(url)).toMatchObject(unauthorized);
    await client.close();
    expect(await refusedHandshake(url)).toMatchObject(unauthorized);
    await expectServing(gw());
  });

  it('refuses forged and guessed tickets, and the guesses do not spend the real one', async () => {
    const token = await signToken('guessed');
    const { ticket, url } = await issueTicket(gw(), token);
    const flipped = ticket.slice(0, -1) + (ticket.endsWith('A') ? 'B' : 'A');
    const forgeries = [
      randomBytes(32).toString('base64url'),
      flipped,
      ticket.slice(0, -1),
      `${ticket}A`,
      ticket.toUpperCase() === ticket ? ticket.toLowerCase() : ticket.toUpperCase(),
      token,
      '0'.repeat(43),
      'x'.repeat(4_000),
    ];
    for (const forged of forgeries) {
      expect(await refusedHandshake(gw().ws(`/ws?ticket=${encodeURIComponent(forged)}`))).toMatchObject(unauthorized);
    }
    const { client, welcome } = await connect(url);
    expect(welcome.payload.userId).toBe('guessed');
    await client.close();
    await expectServing(gw());
  });
});
