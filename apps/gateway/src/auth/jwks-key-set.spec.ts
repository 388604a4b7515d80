import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CredentialError } from './identity.js';
import { JwksKeySet, type JwksKeySetOptions } from './jwks-key-set.js';

const URL = 'https://id.example.com/jwks.json';
const COOLDOWN_MS = 1_000;
const REFRESH_MS = 60_000;

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
const jwk = (key: KeyObject, fields: Record<string, unknown> = {}) => ({ ...key.export({ format: 'jwk' }), ...fields });
const [keyA, keyB, keyC] = [rsa(), rsa(), rsa()];

type Answer = { status: number; body: string | null } | Error;
const json = (document: unknown): Answer => ({ status: 200, body: JSON.stringify(document) });

/** A JWKS endpoint whose answer the test sets, and that can hold fetches until released. */
function fakeIssuer(first: Answer) {
  let answer = first;
  let held: Array<() => void> | undefined;
  const calls: RequestInit[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push(init ?? {});
    if (held) await new Promise<void>((release) => held!.push(release));
    init?.signal?.throwIfAborted();
    if (answer instanceof Error) throw answer;
    return new Response(answer.body, { status: answer.status });
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    calls,
    answer: (next: Answer) => (answer = next),
    hold: () => (held = []),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const release of waiting) release();
    },
  };
}

/** A key set on a clock and schedule the test drives; nothing real runs in the background. */
function keySet(first: Answer, options: Partial<JwksKeySetOptions> = {}) {
  const issuer = fakeIssuer(first);
  let now = 0;
  const schedule: { ms?: number; task?: () => void; stopped: boolean } = { stopped: false };
  const failures: string[] = [];
  const keys = new JwksKeySet({
    url: URL,
    refreshMs: REFRESH_MS,
    cooldownMs: COOLDOWN_MS,
    onFetchFailed: (reason) => failures.push(reason),
    ...options,
    environment: {
      fetch: issuer.fetch,
      now: () => now,
      every: (ms, task) => {
        Object.assign(schedule, { ms, task });
        return () => (schedule.stopped = true);
      },
    },
  });
  return { keys, issuer, schedule, failures, advance: (ms: number) => (now += ms) };
}

const refusal = { name: 'CredentialError', message: 'no signing key for this token' };

describe('JwksKeySet', () => {
  it('fetches on start and on its schedule, which close() stops', async () => {
    const { keys, issuer, schedule } = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }));
    keys.start();
    expect((await keys.find('a')).equals(keyA)).toBe(true);
    expect(issuer.calls).toHaveLength(1);
    expect(schedule.ms).toBe(REFRESH_MS);
    issuer.answer(json({ keys: [jwk(keyB, { kid: 'b' })] }));
    schedule.task!();
    expect((await keys.find('b')).equals(keyB)).toBe(true);
    expect(issuer.calls).toHaveLength(2);
    keys.close();
    expect(schedule.stopped).toBe(true);
  });

  it('sends a timeout signal with every fetch', async () => {
    const { keys, issuer } = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }));
    await keys.refresh();
    expect(issuer.calls[0].signal).toBeInstanceOf(AbortSignal);
    expect(issuer.calls[0].signal!.aborted).toBe(false);
  });

  it('makes tokens wait for the first fetch instead of refusing them while it runs', async () => {
    const { keys, issuer } = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }));
    issuer.hold();
    keys.start();
    const pending = keys.find('a');
    issuer.release();
    expect((await pending).equals(keyA)).toBe(true);
    expect(issuer.calls).toHaveLength(1);
  });

  it('refetches for an unknown kid at most once per cooldown, one fetch for concurrent lookups', async () => {
    const { keys, issuer, advance } = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }));
    await keys.refresh();
    advance(COOLDOWN_MS);
    issuer.hold();
    const lookups = Array.from({ length: 50 }, (_, i) => keys.find(`random-${i}`));
    issuer.release();
    for (const lookup of lookups) await expect(lookup).rejects.toMatchObject(refusal);
    expect(issuer.calls).toHaveLength(2);

    advance(COOLDOWN_MS - 1);
    await expect(keys.find('fresh')).rejects.toMatchObject(refusal);
    expect(issuer.calls).toHaveLength(2);
    advance(1);
    issuer.answer(json({ keys: [jwk(keyA, { kid: 'a' }), jwk(keyB, { kid: 'fresh' })] }));
    expect((await keys.find('fresh')).equals(keyB)).toBe(true);
    expect(issuer.calls).toHaveLength(3);
  });

  it('refuses a kid the issuer lacked from memory, until a later fetch succeeds', async () => {
    const { keys, issuer, advance, schedule } = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }));
    keys.start();
    await keys.refresh();
    advance(COOLDOWN_MS);
    await expect(keys.find('ghost')).rejects.toMatchObject(refusal);
    expect(issuer.calls).toHaveLength(2);
    advance(10 * COOLDOWN_MS);
    await expect(keys.find('ghost')).rejects.toMatchObject(refusal);
    expect(issuer.calls).toHaveLength(2);

    issuer.answer(json({ keys: [jwk(keyA, { kid: 'a' })] }));
    schedule.task!();
    await keys.refresh();
    advance(COOLDOWN_MS);
    issuer.answer(json({ keys: [jwk(keyA, { kid: 'a' }), jwk(keyB, { kid: 'ghost' })] }));
    expect((await keys.find('ghost')).equals(keyB)).toBe(true);
  });

  it('remembers at most 1000 refused kids, forgetting the oldest first', async () => {
    const { keys, issuer, advance } = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }));
    await keys.refresh();
    advance(COOLDOWN_MS);
    issuer.hold();
    const lookups = Array.from({ length: 1_001 }, (_, i) => keys.find(`kid-${i}`));
    issuer.release();
    await Promise.allSettled(lookups);
    expect(issuer.calls).toHaveLength(2);
    advance(COOLDOWN_MS);
    await expect(keys.find('kid-1000')).rejects.toMatchObject(refusal);
    expect(issuer.calls).toHaveLength(2);
    await expect(keys.find('kid-0')).rejects.toMatchObject(refusal);
    expect(issuer.calls).toHaveLength(3);
  });

  it.each<[string, Answer]>([
    ['a network error', new TypeError('fetch failed')],
    ['HTTP 500', { status: 500, body: 'oops' }],
    ['HTTP 304', { status: 304, body: null }],
    ['a body that is not JSON', { status: 200, body: '<html>' }],
    ['a document without keys', json({ keys: [] })],
    ['a document that is not a JWKS', json(['not', 'a', 'jwks'])],
    ['a document with no usable key', json({ keys: [jwk(keyB, { kid: 'b', use: 'enc' })] })],
  ])('keeps the keys it knows through %s, reports it, and tries again after the cooldown', async (_name, failure) => {
    const { keys, issuer, failures, advance } = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }));
    await keys.refresh();
    issuer.answer(failure);
    expect(await keys.refresh()).toBe(false);
    expect(failures).toHaveLength(1);
    expect((await keys.find('a')).equals(keyA)).toBe(true);
    advance(COOLDOWN_MS);
    await expect(keys.find('b')).rejects.toMatchObject(refusal);
    advance(COOLDOWN_MS);
    // A failed fetch proves nothing absent: the kid still gets its fetch once the issuer answers.
    issuer.answer(json({ keys: [jwk(keyB, { kid: 'b' })] }));
    expect((await keys.find('b')).equals(keyB)).toBe(true);
    expect(issuer.calls).toHaveLength(4);
  });

  it('drops retired keys when a fetch succeeds', async () => {
    const { keys, issuer, advance } = keySet(json({ keys: [jwk(keyA, { kid: 'a' }), jwk(keyB, { kid: 'b' })] }));
    await keys.refresh();
    issuer.answer(json({ keys: [jwk(keyB, { kid: 'b' }), jwk(keyC, { kid: 'c' })] }));
    await keys.refresh();
    advance(COOLDOWN_MS);
    await expect(keys.find('a')).rejects.toMatchObject(refusal);
    expect((await keys.find('c')).equals(keyC)).toBe(true);
  });

  it('gives a token without kid the only key, and nothing when the set holds several', async () => {
    const single = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }));
    await single.keys.refresh();
    expect((await single.keys.find(undefined)).equals(keyA)).toBe(true);

    const kidless = keySet(json({ keys: [jwk(keyA)] }));
    await kidless.keys.refresh();
    expect((await kidless.keys.find(undefined)).equals(keyA)).toBe(true);
    await expect(kidless.keys.find('a')).rejects.toMatchObject(refusal);

    const several = keySet(json({ keys: [jwk(keyA, { kid: 'a' }), jwk(keyB), jwk(keyC, { kid: 'c' })] }));
    await several.keys.refresh();
    await expect(several.keys.find(undefined)).rejects.toBeInstanceOf(CredentialError);
    expect((await several.keys.find('c')).equals(keyC)).toBe(true);
  });

  it('imports RSA, EC and OKP signing keys and skips every other entry without failing', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    const { keys, failures } = keySet(
      json({
        keys: [
          jwk(keyA, { kid: 'rsa', use: 'sig' }),
          jwk(ec, { kid: 'ec' }),
          jwk(ed, { kid: 'ed' }),
          jwk(keyB, { kid: 'enc', use: 'enc' }),
          { kty: 'oct', kid: 'oct', k: 'c2VjcmV0' },
          { kty: 'RSA', kid: 'broken-rsa', n: 'AQAB' },
          { kty: 'EC', kid: 'broken-ec', crv: 'P-256', x: 'AA', y: 'AA' },
          jwk(keyC, { kid: 42 }),
          'not a key',
          null,
        ],
      }),
      { cooldownMs: 0 },
    );
    expect(await keys.refresh()).toBe(true);
    expect(failures).toEqual([]);
    expect((await keys.find('rsa')).equals(keyA)).toBe(true);
    expect((await keys.find('ec')).equals(ec)).toBe(true);
    expect((await keys.find('ed')).equals(ed)).toBe(true);
    for (const kid of ['enc', 'oct', 'broken-rsa', 'broken-ec', '42']) await expect(keys.find(kid)).rejects.toMatchObject(refusal);
  });

  it('refuses a kid that is not a string without fetching', async () => {
    const { keys, issuer } = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }), { cooldownMs: 0 });
    for (const kid of [42, null, { $ne: '' }, ['a']]) await expect(keys.find(kid)).rejects.toMatchObject(refusal);
    expect(issuer.calls).toHaveLength(0);
  });

  it('abandons the fetch under way on close() and starts no other', async () => {
    const { keys, issuer, failures } = keySet(json({ keys: [jwk(keyA, { kid: 'a' })] }), { cooldownMs: 0 });
    issuer.hold();
    const first = keys.refresh();
    keys.close();
    expect(issuer.calls[0].signal!.aborted).toBe(true);
    issuer.release();
    await first;
    expect(await keys.refresh()).toBe(false);
    await expect(keys.find('a')).rejects.toMatchObject(refusal);
    expect(issuer.calls).toHaveLength(1);
    expect(failures).toEqual([]);
  });
});
