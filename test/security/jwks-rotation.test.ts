import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { freePort } from '../support/free-port.js';
import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { attemptHandshake, connect, type HandshakeOutcome } from '../support/test-socket.js';

const COOLDOWN_MS = 300;
/** The shortest schedule the configuration allows. */
const REFRESH_MS = 1_000;
const FLOOD = 500;
const FLOOD_BATCH = 50;

/** Any of these in a 401 would be the key library or the fetch machinery talking to the attacker. */
const INTERNAL_TEXT = /jwks|rate|too many|request|fetch|cooldown|secret or public key callback|signing key for kid/i;

/** Enough headroom that only the JWKS behaviour, not the gateway's other limits, is under test. */
const LIMITS_ENV = {
  HANDSHAKE_RATE_PER_IP: '1000000',
  TICKET_RATE_PER_IP: '1000000',
  TICKET_RATE_PER_USER: '1000000',
  RATE_LIMIT_MESSAGES: '1000000',
  RATE_LIMIT_BURST: '1000000',
  MAX_CONNECTIONS_PER_USER: '1000',
  MAX_PENDING_REQUESTS_PER_IP: '1000000',
};

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const sign = (key: { kid: string; privateKey: CryptoKey }, sub = 'rotation-user') =>
  new SignJWT({ sub }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).setExpirationTime('10m').sign(key.privateKey);

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A JWKS endpoint on 127.0.0.1 that counts fetches; its keys and health are the test's to set. */
class JwksServer {
  keys: JWK[] = [];
  /** `ok` serves the keys, `error` answers 500, `reset` drops the connection without an answer. */
  mode: 'ok' | 'error' | 'reset' = 'ok';
  fetches = 0;
  port = 0;
  private server: Server | undefined;

  static async start(keys: JWK[], port = 0): Promise<JwksServer> {
    const jwks = new JwksServer();
    jwks.keys = keys;
    await jwks.listen(port);
    return jwks;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  async listen(port: number): Promise<void> {
    this.server = createServer((request, response) => {
      this.fetches++;
      if (this.mode === 'reset') return void request.socket.destroy();
      if (this.mode === 'error') return void response.writeHead(500).end('internal error');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server?.listening) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** One handshake that may go either way; a refusal here is always `UNAUTHORIZED`. */
async function attempt(url: string, headers: Record<string, string>): Promise<HandshakeOutcome> {
  const outcome = await attemptHandshake(url, { headers });
  if (!outcome.accepted) expect(outcome.code).toBe('UNAUTHORIZED');
  return outcome;
}

/** True when a handshake with `token` is accepted; the connection is closed again. */
async function accepts(gw: RunningGateway, token: string): Promise<boolean> {
  const outcome = await attempt(gw.ws(), bearer(token));
  if (outcome.accepted) await outcome.client.close();
  return outcome.accepted;
}

/** Polls `condition` until it holds or `withinMs` passes: time itself is what is awaited. */
async function eventually(condition: () => boolean | Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await delay(25);
  }
}

/**
 * {@link expectServing} for a JWKS-mode gateway, which cannot verify its HS256 canary:
 * the process is up, `/health` answers 200, and a `key`-signed connection gets welcome and pong.
 */
async function expectServingWith(gw: RunningGateway, key: SigningKey): Promise<void> {
  expect(gw.child.exitCode).toBeNull();
  expect((await fetch(gw.http('/health'))).status).toBe(200);
  const { client, welcome } = await connect(gw.ws(), { headers: bearer(await sign(key, 'canary')) });
  expect(welcome.type).toBe('welcome');
  expect((await client.request({ type: 'ping', id: 'serving-check' })).type).toBe('pong');
  await client.close();
}

/** A refusal the attacker learns nothing from: 401 `UNAUTHORIZED`, in our words, without the kid echoed. */
function expectPlainRefusal(outcome: HandshakeOutcome, kid: string): void {
  expect(outcome).toMatchObject({ accepted: false, status: 401 });
  const { message } = outcome as { message: string };
  expect(message).not.toMatch(INTERNAL_TEXT);
  expect(message).not.toContain(kid);
}

const fetchFailed = (reason: RegExp) => (line: Record<string, unknown>) =>
  typeof line.msg === 'string' && line.msg.startsWith('JWKS fetch failed') && reason.test(String(line.reason));

describe('a flood of random kids', () => {
  let jwks: JwksServer;
  let current: SigningKey;
  let attacker: SigningKey;

  beforeAll(async () => {
    current = await signingKey('current');
    attacker = await signingKey('unused');
    jwks = await JwksServer.start([current.jwk]);
  });
  const gw = useGateway(() => ({ ...LIMITS_ENV, JWT_JWKS_URL: jwks.url, JWT_JWKS_COOLDOWN_MS: String(COOLDOWN_MS) }));
  afterAll(async () => {
    await jwks.close();
  });

  const randomKidToken = async () => {
    const kid = randomBytes(12).toString('base64url');
    return { kid, token: await sign({ kid, privateKey: attacker.privateKey }) };
  };

  it(`costs at most one fetch per cooldown for ${FLOOD} tokens, each refused in plain words`, async () => {
    expect(await accepts(gw, await sign(current))).toBe(true);
    const tokens = await Promise.all(Array.from({ length: FLOOD }, randomKidToken));
    const before = jwks.fetches;
    const started = Date.now();
    for (let i = 0; i < FLOOD; i += FLOOD_BATCH) {
      const batch = tokens.slice(i, i + FLOOD_BATCH);
      const outcomes = await Promise.all(batch.map(({ token }) => attempt(gw.ws(), bearer(token))));
      outcomes.forEach((outcome, j) => expectPlainRefusal(outcome, batch[j].kid));
    }
    const elapsed = Date.now() - started;
    expect(jwks.fetches - before).toBeLessThanOrEqual(1 + Math.floor(elapsed / COOLDOWN_MS));
    await expectServingWith(gw, current);
  });

  it('answers an unknown kid in plain words on POST /ws/ticket and in an auth frame too', async () => {
    const { kid, token } = await randomKidToken();
    const ticket = await fetch(gw.http('/ws/ticket'), { method: 'POST', headers: bearer(token) });
    expect(ticket.status).toBe(401);
    const body = await ticket.json();
    expect(body.error.code).toBe('UNAUTHORIZED');
    expect(body.error.message).not.toMatch(INTERNAL_TEXT);
    expect(body.error.message).not.toContain(kid);

    const { client } = await connect(gw.ws(), { headers: bearer(await sign(current)) });
    const refusal = await client.request({ type: 'auth', id: 'kid', payload: { token } });
    expect(refusal).toMatchObject({ type: 'error', id: 'kid', payload: { code: 'UNAUTHORIZED' } });
    expect(refusal.payload.message).not.toMatch(INTERNAL_TEXT);
    expect(refusal.payload.message).not.toContain(kid);
    expect((await client.request({ type: 'ping', id: 'alive' })).type).toBe('pong');
    await client.close();
    await expectServingWith(gw, current);
  });

  it('does not lock out a newly rotated key: it is accepted once the cooldown has passed, flood or not', async () => {
    const next = await signingKey('next');
    const flood = await Promise.all(Array.from({ length: FLOOD_BATCH }, randomKidToken));
    jwks.keys = [current.jwk, next.jwk];
    const nextToken = await sign(next);
    // The attacker keeps going while the real client retries.
    const attackerRuns = Promise.all(flood.map(({ token }) => attempt(gw.ws(), bearer(token))));
    expect(await eventually(() => accepts(gw, nextToken), COOLDOWN_MS + 2_000)).toBe(true);
    (await attackerRuns).forEach((outcome, i) => expectPlainRefusal(outcome, flood[i].kid));
    expect(await accepts(gw, await sign(current))).toBe(true);
    await expectServingWith(gw, next);
  });
});

describe('an issuer that fails', () => {
  let jwks: JwksServer;
  let known: SigningKey;

  beforeAll(async () => {
    known = await signingKey('known');
    jwks = await JwksServer.start([known.jwk]);
  });
  const gw = useGateway(() => ({
    ...LIMITS_ENV,
    JWT_JWKS_URL: jwks.url,
    JWT_JWKS_REFRESH_MS: String(REFRESH_MS),
    JWT_JWKS_COOLDOWN_MS: String(COOLDOWN_MS),
  }));
  beforeAll(async () => {
    expect(await accepts(gw, await sign(known))).toBe(true);
  });
  afterAll(async () => {
    await jwks.close();
  });

  it.each([
    ['answers 500', 'error', /HTTP 500/],
    ['drops the connection', 'reset', /fetch failed/],
  ] as const)('keeps known keys working while the JWKS server %s', async (_name, mode, reason) => {
    jwks.mode = mode;
    // Failed fetches, on schedule or for an unknown kid, must not cost the key already known.
    await gw.waitForLog(fetchFailed(reason));
    expect(await accepts(gw, await sign(known))).toBe(true);
    const before = jwks.fetches;
    const unknownKid = await sign({ kid: 'rotated-while-broken', privateKey: known.privateKey });
    expect(
      await eventually(async () => {
        expectPlainRefusal(await attempt(gw.ws(), bearer(unknownKid)), 'rotated-while-broken');
        return jwks.fetches > before;
      }, COOLDOWN_MS + 2_000),
    ).toBe(true);
    expect(await accepts(gw, await sign(known))).toBe(true);
    jwks.mode = 'ok';
    await expectServingWith(gw, known);
  });

  it('keeps known keys working while the JWKS server is down, and takes new keys once it is back', async () => {
    const port = jwks.port;
    await jwks.close();
    const logged = gw.logs().length;
    await gw.waitForLog((line) => gw.logs().indexOf(line) >= logged && fetchFailed(/ECONNREFUSED/)(line));
    expect(await accepts(gw, await sign(known))).toBe(true);

    const next = await signingKey('after-outage');
    jwks.keys = [known.jwk, next.jwk];
    await jwks.listen(port);
    const nextToken = await sign(next);
    expect(await eventually(() => accepts(gw, nextToken), 2 * REFRESH_MS + COOLDOWN_MS)).toBe(true);
    await expectServingWith(gw, known);
  });
});

describe('the scheduled refresh', () => {
  let jwks: JwksServer;
  let retiring: SigningKey;

  beforeAll(async () => {
    retiring = await signingKey('retiring');
    jwks = await JwksServer.start([retiring.jwk]);
  });
  const gw = useGateway(() => ({
    ...LIMITS_ENV,
    JWT_JWKS_URL: jwks.url,
    JWT_JWKS_REFRESH_MS: String(REFRESH_MS),
    // An hour: no unknown kid can cause a fetch here, only the schedule can.
    JWT_JWKS_COOLDOWN_MS: '3600000',
  }));
  afterAll(async () => {
    await jwks.close();
  });

  it('picks up a rotation with no unknown-kid trigger, and retires the key the issuer dropped', async () => {
    expect(await accepts(gw, await sign(retiring))).toBe(true);
    const fresh = await signingKey('fresh');
    // Rotate just after a scheduled fetch, so the next one is a whole period away.
    const seen = jwks.fetches;
    expect(await eventually(() => jwks.fetches > seen, 2 * REFRESH_MS)).toBe(true);
    jwks.keys = [fresh.jwk];
    const rotatedAt = jwks.fetches;
    const freshToken = await sign(fresh);
    expect(await accepts(gw, freshToken)).toBe(false);
    expect(jwks.fetches).toBe(rotatedAt);

    expect(await eventually(() => jwks.fetches > rotatedAt, 2 * REFRESH_MS)).toBe(true);
    expect(await accepts(gw, freshToken)).toBe(true);
    expect(await accepts(gw, await sign(retiring))).toBe(false);
    await expectServingWith(gw, fresh);
  });
});

describe('a JWKS server that is down when the gateway starts', () => {
  let jwks: JwksServer | undefined;

  afterAll(async () => {
    await jwks?.close();
  });

  it('neither blocks nor crashes startup, and the first fetch that works brings the keys', async () => {
    const port = await freePort();
    const env = {
      ...LIMITS_ENV,
      JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      JWT_JWKS_COOLDOWN_MS: String(COOLDOWN_MS),
    };
    await withGateway(env, async (gw) => {
      await gw.waitForLog(fetchFailed(/ECONNREFUSED/));
      expect((await fetch(gw.http('/health'))).status).toBe(200);

      const key = await signingKey('late');
      jwks = await JwksServer.start([key.jwk], port);
      const token = await sign(key);
      expect(await eventually(() => accepts(gw, token), COOLDOWN_MS + 2_000)).toBe(true);
      await expectServingWith(gw, key);
    });
  });
});
