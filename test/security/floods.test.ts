import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { SUBPROTOCOL } from '@switchboard/protocol';
import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { connect } from '../support/test-socket.js';
import { SECRET_ENV, signToken } from '../support/tokens.js';

/**
 * Floods from one user or one address: `POST /ws/ticket` keeps a token bucket per client
 * IP, checked before the JWT is verified, and one per user after; handshakes keep one
 * per IP. Whatever is over a budget gets `429 RATE_LIMITED` with `Retry-After`, everyone
 * else is still served, and the process stays up.
 */

/** Enough for every request of a flood to reach the limit under test rather than this one. */
const OPEN_PENDING = { MAX_PENDING_REQUESTS_PER_IP: '10000' };
const ORIGIN = 'https://app.example.com';

interface TicketAnswer {
  status: number;
  retryAfter: string | null;
  headers: Headers;
  body: any;
}

async function postTicket(gw: RunningGateway, token: string, headers: Record<string, string> = {}): Promise<TicketAnswer> {
  const response = await fetch(gw.http('/ws/ticket'), { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), headers: response.headers, body: await response.json() };
}

/** Fires `count` requests at once; resolves with the answers and how long the burst took. */
async function burst<T>(count: number, send: (i: number) => Promise<T>): Promise<{ answers: T[]; seconds: number }> {
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => send(i)));
  return { answers, seconds: (performance.now() - started) / 1000 };
}

/** A bucket of `perSecond` lets through its capacity plus what refilled while the burst lasted. */
function expectWithinBudget(passed: number, perSecond: number, seconds: number): void {
  expect(passed).toBeGreaterThanOrEqual(perSecond);
  expect(passed).toBeLessThanOrEqual(perSecond + Math.ceil(seconds * perSecond));
}

function expectRateLimited(answer: TicketAnswer): void {
  expect(answer.status).toBe(429);
  expect(answer.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
  expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
}

describe('ticket flood from one user', () => {
  const PER_USER = 5;
  const gw = useGateway({
    ...SECRET_ENV,
    ...OPEN_PENDING,
    TRUST_PROXY: 'true',
    TICKET_RATE_PER_USER: String(PER_USER),
    TICKET_RATE_PER_IP: '10000',
    ALLOWED_ORIGINS: ORIGIN,
  });

  it('stops at the per-user budget wherever the requests come from, while other users still get tickets', async () => {
    const token = await signToken('flooder');
    // Each request from another client IP: the budget is the user's, not an address's.
    const { answers, seconds } = await burst(40, (i) => postTicket(gw, token, { 'x-forwarded-for': `198.51.100.${i + 1}`, origin: ORIGIN }));
    const issued = answers.filter((a) => a.status === 201);
    expectWithinBudget(issued.length, PER_USER, seconds);
    const limited = answers.filter((a) => a.status !== 201);
    for (const answer of limited) expectRateLimited(answer);
    // A browser on an allowed origin can read the 429 and its Retry-After.
    expect(limited[0].headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(limited[0].headers.get('access-control-expose-headers')?.toLowerCase()).toContain('retry-after');

    expect((await postTicket(gw, await signToken('bystander'), { 'x-forwarded-for': '198.51.100.1' })).status).toBe(201);
    const { client } = await connect(issued[0].body.url);
    await client.close();

    // Nothing to await but the bucket refilling: Retry-After says when, and it has to be true.
    await delay(Number(limited[0].retryAfter) * 1000);
    expect((await postTicket(gw, token)).status).toBe(201);
    await expectServing(gw);
  });
});

describe('ticket flood from one address without valid tokens', () => {
  const PER_IP = 10;
  const gw = useGateway({ ...SECRET_ENV, ...OPEN_PENDING, TRUST_PROXY: 'true', TICKET_RATE_PER_IP: String(PER_IP), TICKET_RATE_PER_USER: '10000' });

  it('is limited by the IP budget before any token is verified, and only that address is', async () => {
    const forged = await new SignJWT({ sub: 'victim' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-gateway-secret-0123456789abcdef'));
    const flooder = { 'x-forwarded-for': '203.0.113.9' };
    const { answers, seconds } = await burst(40, (i) => postTicket(gw, i % 2 === 0 ? forged : `garbage.${i}.token`, flooder));
    // Verification would answer every one of them 401; a 429 means it never ran.
    const verified = answers.filter((a) => a.status === 401);
    expectWithinBudget(verified.length, PER_IP, seconds);
    for (const answer of answers.filter((a) => a.status !== 401)) expectRateLimited(answer);

    // The spent budget is the address's: valid tokens from it are refused too (all but what
    // refills meanwhile), while the next address is served.
    const valid = await signToken('honest');
    const again = await burst(10, () => postTicket(gw, valid, flooder));
    const refused = again.answers.filter((a) => a.status !== 201);
    expect(refused.length).toBeGreaterThanOrEqual(10 - Math.ceil(again.seconds * PER_IP) - 1);
    for (const answer of refused) expectRateLimited(answer);
    expect((await postTicket(gw, valid, { 'x-forwarded-for': '203.0.113.10' })).status).toBe(201);
    await expectServing(gw);
  });
});

describe('handshake flood from one address', () => {
  const PER_IP = 20;
  const FLOOD = 300;

  type Outcome = { kind: 'open' } | { kind: 'refused'; status: number; retryAfter: unknown; body: any } | { kind: 'error'; message: string };

  /** One handshake with a Bearer token; closes it at once if it is admitted. */
  async function handshake(gw: RunningGateway, token: string): Promise<Outcome> {
    const socket = new WebSocket(gw.ws(), [SUBPROTOCOL], { headers: { authorization: `Bearer ${token}` } });
    const outcome = await Promise.race([
      once(socket, 'open').then((): Outcome => ({ kind: 'open' })),
      once(socket, 'unexpected-response').then(async ([, response]): Promise<Outcome> => {
        let text = '';
        for await (const chunk of response) text += chunk;
        return { kind: 'refused', status: response.statusCode, retryAfter: response.headers['retry-after'], body: JSON.parse(text) };
      }),
      once(socket, 'error').then(([error]): Outcome => ({ kind: 'error', message: (error as Error).message })),
    ]);
    socket.on('error', () => undefined);
    socket.terminate();
    return outcome;
  }

  async function flood(gw: RunningGateway): Promise<{ outcomes: Outcome[]; seconds: number }> {
    const tokens = await Promise.all(Array.from({ length: FLOOD }, (_, i) => signToken(`flood-${i}`)));
    const { answers, seconds } = await burst(FLOOD, (i) => handshake(gw, tokens[i]));
    return { outcomes: answers, seconds };
  }

  function expectRefusedRateLimited(outcomes: Outcome[]): void {
    expect(outcomes.filter((o) => o.kind === 'error')).toEqual([]);
    for (const outcome of outcomes.filter((o) => o.kind === 'refused')) {
      expect(outcome).toEqual({
        kind: 'refused',
        status: 429,
        retryAfter: expect.stringMatching(/^[1-9]\d*$/),
        body: { error: { code: 'RATE_LIMITED', message: expect.any(String) } },
      });
    }
  }

  it('admits the IP budget of 300 handshakes fired at once, refuses the rest 429, and keeps serving', async () => {
    await withGateway({ ...SECRET_ENV, ...OPEN_PENDING, HANDSHAKE_RATE_PER_IP: String(PER_IP) }, async (gw) => {
      const { outcomes, seconds } = await flood(gw);
      expectRefusedRateLimited(outcomes);
      expectWithinBudget(outcomes.filter((o) => o.kind === 'open').length, PER_IP, seconds);
      // The flood has spent the bucket; the check needs a token back, and there is no event for that.
      await delay(2_000 / PER_IP);
      await expectServing(gw);
    });
  });

  it('with the default cap on unfinished requests too, answers every refusal 429 RATE_LIMITED, whichever limit caught it', async () => {
    await withGateway({ ...SECRET_ENV, HANDSHAKE_RATE_PER_IP: String(PER_IP) }, async (gw) => {
      const { outcomes, seconds } = await flood(gw);
      expectRefusedRateLimited(outcomes);
      const opened = outcomes.filter((o) => o.kind === 'open').length;
      expect(opened).toBeGreaterThan(0);
      expect(opened).toBeLessThanOrEqual(PER_IP + Math.ceil(seconds * PER_IP));
      await delay(2_000 / PER_IP);
      await expectServing(gw);
    });
  });
});
