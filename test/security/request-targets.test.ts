import { startGateway, type RunningGateway } from '../support/gateway-process.js';
import { disposeGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { SECRET_ENV, signToken } from '../support/tokens.js';
import {
  NodeParserOracle,
  devToken,
  expectServingDev,
  jsonBody,
  jsonErrorProblem,
  rawExchange,
  type RawResponse,
} from './hostile-input.js';

/**
 * Hostile request targets and headers, written byte for byte over TCP, on every route of
 * the gateway, both as plain requests and as WebSocket upgrades. Whatever comes in, the
 * process keeps serving, answers with a well-formed HTTP response, and every error it
 * writes itself has the protocol's body `{"error":{"code","message"}}` (protocol §2).
 * Only what Node's own HTTP parser refuses before any listener runs may get Node's bare
 * 400/431 (or a hang-up); a reference Node server in this process tells which those are.
 */

const API_KEY = 'security-api-key-0123456789abcdef0123';
const UPGRADE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** Generous limits, so that every request reaches the check it aims at instead of a rate limit. */
const OPEN_LIMITS = {
  HANDSHAKE_RATE_PER_IP: '1000000',
  TICKET_RATE_PER_USER: '1000000',
  TICKET_RATE_PER_IP: '1000000',
  MAX_CONNECTIONS_PER_USER: '10000',
};
const SECRET_GATEWAY_ENV = { ...SECRET_ENV, ...OPEN_LIMITS, API_KEY, ALLOWED_ORIGINS: 'https://app.example.com', TRUST_PROXY: 'true' };
/** No JWT configuration: development mode, with /dev/token and /demo/. */
const DEV_GATEWAY_ENV = { ...OPEN_LIMITS, API_KEY };

type Header = [name: string, value: string];

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** Headers a well-behaved client of this route sends, besides Host. */
  headers: (credentials: Credentials) => Header[];
  body?: string;
}

interface Credentials {
  /** A JWT this gateway accepts. */
  jwt: string;
}

const json = (body: string): Header[] => [
  ['Content-Type', 'application/json'],
  ['Content-Length', String(Buffer.byteLength(body))],
];
const apiKey: Header = ['Authorization', `Bearer ${API_KEY}`];

const PUBLISH_BODY = '{"channel":"room:targets","payload":{"n":1}}';
const BROADCAST_BODY = '{"channels":["room:targets"],"payload":1}';
const DISCONNECT_BODY = '{"userId":"nobody-here"}';
const DEV_TOKEN_BODY = '{"userId":"dev-target"}';

const SECRET_ROUTES: Route[] = [
  { name: 'GET /health', method: 'GET', path: '/health', headers: () => [] },
  { name: 'GET /ready', method: 'GET', path: '/ready', headers: () => [] },
  { name: 'GET /metrics', method: 'GET', path: '/metrics', headers: () => [] },
  { name: 'GET /ws/config', method: 'GET', path: '/ws/config', headers: () => [] },
  { name: 'POST /ws/ticket', method: 'POST', path: '/ws/ticket', headers: (c) => [['Authorization', `Bearer ${c.jwt}`], ['Content-Length', '0']] },
  { name: 'POST /api/publish', method: 'POST', path: '/api/publish', headers: () => [apiKey, ...json(PUBLISH_BODY)], body: PUBLISH_BODY },
  { name: 'POST /api/broadcast', method: 'POST', path: '/api/broadcast', headers: () => [apiKey, ...json(BROADCAST_BODY)], body: BROADCAST_BODY },
  { name: 'POST /api/disconnect', method: 'POST', path: '/api/disconnect', headers: () => [apiKey, ...json(DISCONNECT_BODY)], body: DISCONNECT_BODY },
  { name: 'GET /api/channels/x/history', method: 'GET', path: '/api/channels/x/history', headers: () => [apiKey] },
  { name: 'GET /no/such/route', method: 'GET', path: '/no/such/route', headers: () => [] },
  { name: 'GET /ws', method: 'GET', path: '/ws', headers: (c) => [['Authorization', `Bearer ${c.jwt}`]] },
];

const DEV_ROUTES: Route[] = [
  { name: 'POST /dev/token', method: 'POST', path: '/dev/token', headers: () => json(DEV_TOKEN_BODY), body: DEV_TOKEN_BODY },
  { name: 'GET /demo/', method: 'GET', path: '/demo/', headers: () => [] },
  { name: 'GET /demo', method: 'GET', path: '/demo', headers: () => [] },
  { name: 'GET /health', method: 'GET', path: '/health', headers: () => [] },
  { name: 'POST /ws/ticket', method: 'POST', path: '/ws/ticket', headers: (c) => [['Authorization', `Bearer ${c.jwt}`], ['Content-Length', '0']] },
  { name: 'GET /ws', method: 'GET', path: '/ws', headers: (c) => [['Authorization', `Bearer ${c.jwt}`]] },
];

/**
 * Targets whose authority `new URL()` cannot parse. Answered 400 BAD_REQUEST as JSON, on an
 * upgrade (where the listener used to throw and kill the process) and on plain routes alike.
 */
const UNPARSABLE_AUTHORITY = new Set([
  'absolute-form, unparsable authority "["',
  'absolute-form, unclosed IPv6 literal',
  'absolute-form, userinfo and no host',
  'absolute-form, port out of range',
]);

/** Request targets built around a route's path `p`. */
function targets(p: string, port: number): Array<[label: string, target: string]> {
  return [
    ['origin-form', p],
    ['absolute-form, this gateway', `http://127.0.0.1:${port}${p}`],
    ['absolute-form, another host', `http://evil.example${p}`],
    ['absolute-form, https without port', `https://127.0.0.1${p}`],
    ['absolute-form, unparsable authority "["', `http://[${p}`],
    ['absolute-form, unclosed IPv6 literal', `http://[::1${p}`],
    ['absolute-form, userinfo and no host', `http://a:b@${p}`],
    ['absolute-form, port out of range', `http://127.0.0.1:99999${p}`],
    ['absolute-form, unknown scheme', `javascript://x${p}`],
    ['scheme-relative', `//evil${p}`],
    ['asterisk-form', '*'],
    ['lone %', '/%'],
    ['bad escape %ZZ', '/%ZZ'],
    ['path then lone %', `${p}%`],
    ['path then /%ZZ', `${p}/%ZZ`],
    ['encoded traversal', '/..%2f..%2fetc/passwd'],
    ['encoded traversal after the path', `${p}/..%2f..%2fetc/passwd`],
    ['dot segments', `/a/../..${p}`],
    ['query with lone %', `${p}?%`],
    ['query with bad escapes and prototype keys', `${p}?%ZZ=%&a[b]=1&__proto__[x]=1&constructor[prototype][x]=1`],
    ['fragment', `${p}#frag`],
    ['8 KiB path', `${p}/${'a'.repeat(8 * 1024)}`],
    ['8 KiB query', `${p}?q=${'a'.repeat(8 * 1024)}`],
    ['100 KiB path', `${p}/${'a'.repeat(100 * 1024)}`],
    ['NUL byte', `${p}\u0000`],
    ['control byte', `${p}\u0001x`],
    ['DEL byte', `${p}\u007f`],
    ['tab', `${p}\tx`],
    ['non-ASCII bytes', `${p}/\u00ff\u00fe`],
    ['encoded NUL', `${p}%00`],
    ['backslashes', `\\\\evil${p}`],
    ['empty', ''],
  ];
}

const without = (headers: Header[], name: string) => headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
const replaced = (headers: Header[], name: string, value: string): Header[] => [...without(headers, name), [name, value]];

/** Hostile variations of a request's headers. */
const HEADER_CASES: Array<[label: string, vary: (headers: Header[]) => Header[]]> = [
  ['duplicate Host', (h) => [...h, ['Host', 'evil.example']]],
  ['Host "["', (h) => replaced(h, 'Host', '[')],
  ['Host with userinfo', (h) => replaced(h, 'Host', 'a:b@evil.example')],
  ['no Host', (h) => without(h, 'Host')],
  ['8 KiB header', (h) => [...h, ['X-Pad', 'p'.repeat(8 * 1024)]]],
  ['64 KiB header', (h) => [...h, ['X-Pad', 'p'.repeat(64 * 1024)]]],
  ['500 headers', (h) => [...h, ...Array.from({ length: 500 }, (_, i): Header => [`X-Many-${i}`, 'x'])]],
  ['Sec-WebSocket-Protocol "switchboard.v1, ,"', (h) => replaced(h, 'Sec-WebSocket-Protocol', 'switchboard.v1, ,')],
  ['Sec-WebSocket-Protocol "switchboard.v1,,x"', (h) => replaced(h, 'Sec-WebSocket-Protocol', 'switchboard.v1,,x')],
  ['Sec-WebSocket-Protocol "switchboard.v1 x"', (h) => replaced(h, 'Sec-WebSocket-Protocol', 'switchboard.v1 x')],
  ['Sec-WebSocket-Protocol with non-token characters', (h) => replaced(h, 'Sec-WebSocket-Protocol', 'switchboard.v1, a(b), "q", {x}')],
  ['Sec-WebSocket-Protocol offered twice in one header', (h) => replaced(h, 'Sec-WebSocket-Protocol', 'switchboard.v1, switchboard.v1')],
  ['two Sec-WebSocket-Protocol headers', (h) => [...without(h, 'Sec-WebSocket-Protocol'), ['Sec-WebSocket-Protocol', 'switchboard.v1'], ['Sec-WebSocket-Protocol', 'x,,']]],
  ['Sec-WebSocket-Protocol with a non-ASCII byte', (h) => replaced(h, 'Sec-WebSocket-Protocol', 'switchboard.v1, caf\u00e9')],
  ['Sec-WebSocket-Protocol empty', (h) => replaced(h, 'Sec-WebSocket-Protocol', '')],
  ['Sec-WebSocket-Key "!!!!"', (h) => replaced(h, 'Sec-WebSocket-Key', '!!!!')],
  ['Sec-WebSocket-Key empty', (h) => replaced(h, 'Sec-WebSocket-Key', '')],
  ['Sec-WebSocket-Key one byte short', (h) => replaced(h, 'Sec-WebSocket-Key', UPGRADE_KEY.slice(0, -1))],
  ['two Sec-WebSocket-Key headers', (h) => [...h, ['Sec-WebSocket-Key', UPGRADE_KEY]]],
  ['Sec-WebSocket-Version "13, 8"', (h) => replaced(h, 'Sec-WebSocket-Version', '13, 8')],
  ['Sec-WebSocket-Version "abc"', (h) => replaced(h, 'Sec-WebSocket-Version', 'abc')],
  ['Upgrade "websocket, h2c"', (h) => replaced(h, 'Upgrade', 'websocket, h2c')],
  ['Origin allowed (control)', (h) => replaced(h, 'Origin', 'https://app.example.com')],
  ['Origin "null"', (h) => replaced(h, 'Origin', 'null')],
  ['Origin with userinfo', (h) => replaced(h, 'Origin', 'https://app.example.com@evil.com')],
  ['Origin as a subdomain of evil', (h) => replaced(h, 'Origin', 'https://app.example.com.evil.com')],
  ['Origin unparsable', (h) => replaced(h, 'Origin', 'http://[')],
  ['Origin empty', (h) => replaced(h, 'Origin', '')],
  ['two Origin headers', (h) => [...without(h, 'Origin'), ['Origin', 'https://app.example.com'], ['Origin', 'https://evil.com']]],
  ['X-Forwarded-For garbage', (h) => replaced(h, 'X-Forwarded-For', ',,, ;;; <script>, 999.999.1.1, ::::, unknown')],
  ['X-Forwarded-For with non-ASCII bytes', (h) => replaced(h, 'X-Forwarded-For', '\u00ff\u00fe, 1.2.3.4')],
  ['X-Forwarded-For 8 KiB list', (h) => replaced(h, 'X-Forwarded-For', Array.from({ length: 800 }, (_, i) => `10.0.${i % 256}.${i % 7}`).join(', '))],
  ['X-Forwarded-Host "["', (h) => replaced(h, 'X-Forwarded-Host', '[')],
  ['X-Forwarded-Host with userinfo', (h) => replaced(h, 'X-Forwarded-Host', 'a:b@evil.example')],
  ['X-Forwarded-Proto "javascript"', (h) => replaced(h, 'X-Forwarded-Proto', 'javascript')],
  ['Authorization "Bearer" garbage', (h) => replaced(h, 'Authorization', 'Bearer \u00ff.\u0001.x')],
  ['Authorization "Basic"', (h) => replaced(h, 'Authorization', 'Basic YTpi')],
  ['two Authorization headers', (h) => [...h, ['Authorization', 'Bearer second']]],
  ['Content-Type with a bogus charset', (h) => replaced(h, 'Content-Type', 'application/json; charset=evil-8')],
  ['Transfer-Encoding and Content-Length together', (h) => [...replaced(h, 'Content-Length', h.find(([n]) => n === 'Content-Length')?.[1] ?? '0'), ['Transfer-Encoding', 'chunked']]],
];

interface Mode {
  name: 'plain' | 'upgrade';
  /** Headers and body of the request in this mode, before any hostile variation. */
  request(route: Route, credentials: Credentials, port: number): { method: string; headers: Header[]; body: string };
}

const MODES: Mode[] = [
  {
    name: 'plain',
    request: (route, credentials, port) => ({ method: route.method, headers: [['Host', `127.0.0.1:${port}`], ...route.headers(credentials)], body: route.body ?? '' }),
  },
  {
    name: 'upgrade',
    request: (_route, credentials, port) => ({
      method: 'GET',
      headers: [
        ['Host', `127.0.0.1:${port}`],
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Key', UPGRADE_KEY],
        ['Sec-WebSocket-Version', '13'],
        ['Sec-WebSocket-Protocol', 'switchboard.v1'],
        ['Authorization', `Bearer ${credentials.jwt}`],
      ],
      body: '',
    }),
  },
];

/** Bytes of a request; latin1 so that control and high bytes go out exactly as written. */
function requestBytes(method: string, target: string, headers: Header[], body: string): Buffer {
  return Buffer.concat([
    Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`, 'latin1'),
    Buffer.from(body, 'utf8'),
  ]);
}

/** A gateway under attack, restarted if a request kills it so the rest of the matrix still runs. */
class Target {
  gateway!: RunningGateway;
  credentials!: Credentials;
  /** How often a request killed the process and it had to be started again. */
  restarts = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly jwtFor: (gateway: RunningGateway) => Promise<string>,
  ) {}

  async start(): Promise<void> {
    this.gateway = await startGateway(this.env);
    this.credentials = { jwt: await this.jwtFor(this.gateway) };
  }

  /** Undefined while the process serves `/health`; else why not, after restarting it. */
  async checkAlive(): Promise<string | undefined> {
    const gateway = this.gateway;
    const serving = gateway.child.exitCode === null && (await fetch(gateway.http('/health')).then((r) => r.status === 200, () => false));
    if (serving) return undefined;
    const code = gateway.child.exitCode ?? (await gateway.stop('SIGKILL'));
    const tail = gateway.output().split('\n').filter((l) => /Error|at /.test(l)).slice(0, 3).join(' | ').slice(0, 300);
    this.restarts++;
    await this.start();
    return `the gateway process stopped serving (exit code ${code}): ${tail}`;
  }

  async stop(): Promise<void> {
    if (this.gateway) await disposeGateway(this.gateway);
  }
}

const show = (raw: Buffer) => JSON.stringify(raw.subarray(0, 160).toString('latin1'));

/**
 * Every problem with the answer to one request. `oracle` says whether Node's parser lets
 * the request reach a listener; only when it does not may the answer be Node's own.
 */
async function problemsWith(
  result: RawResponse,
  request: Buffer,
  expectation: { upgradeRoute: boolean; mode: Mode['name']; unparsableAuthority: boolean },
  oracle: NodeParserOracle,
): Promise<string[]> {
  const response = result.response;
  const reachesListener = () => oracle.accepts(request);
  if (!response) {
    // Node's parser may hang up without a word on what it refuses; the gateway may not.
    if (await reachesListener()) return [`no valid HTTP response (${result.ending}): ${show(result.raw)}`];
    return [];
  }
  const problems: string[] = [];
  if (response.status === 101 && !(expectation.mode === 'upgrade' && expectation.upgradeRoute)) {
    problems.push('switched protocols on a route that is not /ws');
  }
  if (response.status !== 101 && !response.bodyComplete) problems.push(`response ${response.status} cut short (${result.ending}): ${show(result.raw)}`);
  if (response.status >= 400) {
    const problem = jsonErrorProblem(response);
    const nodesOwn = (response.status === 400 || response.status === 431) && response.body.length === 0 && !response.headers['content-type'];
    if (problem && !(nodesOwn && !(await reachesListener()))) problems.push(`${response.status}: ${problem}`);
  }
  if (expectation.unparsableAuthority) {
    const body = jsonBody(response);
    if (response.status !== 400 || body?.error?.code !== 'BAD_REQUEST') {
      problems.push(`an unparsable target must be answered 400 BAD_REQUEST, got ${response.status} ${JSON.stringify(body?.error?.code ?? null)}`);
    }
  }
  return problems;
}

/** Sends every hostile target and header variation of `route`, plain and as an upgrade; returns the problems. */
async function attack(target: Target, route: Route, oracle: NodeParserOracle): Promise<string[]> {
  const problems: string[] = [];
  let cases = 0;
  for (const mode of MODES) {
    const variations: Array<{ label: string; build: (port: number) => Buffer; unparsableAuthority: boolean }> = [];
    for (const [label] of targets(route.path, 0)) {
      variations.push({
        label: `target ${label}`,
        unparsableAuthority: UNPARSABLE_AUTHORITY.has(label),
        build: (port) => {
          const { method, headers, body } = mode.request(route, target.credentials, port);
          const t = targets(route.path, port).find(([l]) => l === label)![1];
          return requestBytes(method, t, headers, body);
        },
      });
    }
    for (const [label, vary] of HEADER_CASES) {
      variations.push({
        label: `header ${label}`,
        unparsableAuthority: false,
        build: (port) => {
          const { method, headers, body } = mode.request(route, target.credentials, port);
          return requestBytes(method, route.path, vary(headers), body);
        },
      });
    }
    for (const variation of variations) {
      cases++;
      const request = variation.build(target.gateway.port);
      const result = await rawExchange(target.gateway.port, request, 5_000);
      const where = `${route.name} (${mode.name}), ${variation.label}`;
      const died = await target.checkAlive();
      if (died) {
        problems.push(`${where}: ${died}`);
        continue;
      }
      const found = await problemsWith(result, request, { upgradeRoute: route.path === '/ws', mode: mode.name, unparsableAuthority: variation.unparsableAuthority }, oracle);
      problems.push(...found.map((p) => `${where}: ${p}`));
    }
  }
  expect(cases).toBe(2 * (targets(route.path, 0).length + HEADER_CASES.length));
  return problems;
}

describe('hostile request targets and headers (JWT secret, API key, trusted proxy)', () => {
  const target = new Target(SECRET_GATEWAY_ENV, async () => signToken('target-user'));
  let oracle: NodeParserOracle;
  beforeAll(async () => {
    oracle = await NodeParserOracle.start();
    await target.start();
  });
  afterAll(async () => {
    await target.stop();
    await oracle.close();
  });

  it.each(SECRET_ROUTES.map((route) => [route.name, route]))(
    '%s: every hostile target and header gets a well-formed answer, JSON when it is an error, and the process survives',
    async (_name, route) => {
      expect(await attack(target, route as Route, oracle)).toEqual([]);
    },
    60_000,
  );

  it.each([['http://[/ws'], ['http://[::1/ws'], ['http://a:b@/ws'], ['http://127.0.0.1:99999/ws']])('answers an upgrade to %s with 400 BAD_REQUEST as JSON and keeps serving', async (requestTarget) => {
    const { credentials, gateway } = target;
    const request = requestBytes('GET', requestTarget, [...MODES[1]!.request(SECRET_ROUTES[0]!, credentials, gateway.port).headers], '');
    const result = await rawExchange(gateway.port, request);
    expect(await target.checkAlive()).toBeUndefined();
    expect(result.response?.status).toBe(400);
    expect(result.response?.headers['content-type']?.[0]).toMatch(/^application\/json/);
    expect(jsonBody(result.response!)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
  });

  it.each([['http://[/health'], ['http://[::1/health'], ['http://a:b@/health'], ['http://127.0.0.1:99999/health']])(
    'answers a plain request to %s with 400 BAD_REQUEST as JSON',
    async (requestTarget) => {
      const request = requestBytes('GET', requestTarget, [['Host', '127.0.0.1']], '');
      const result = await rawExchange(target.gateway.port, request);
      expect(await target.checkAlive()).toBeUndefined();
      expect(result.response?.status).toBe(400);
      expect(jsonErrorProblem(result.response!)).toBeUndefined();
      expect(jsonBody(result.response!).error.code).toBe('BAD_REQUEST');
    },
  );

  it.each([['switchboard.v1, ,'], ['switchboard.v1,,x'], ['switchboard.v1, a(b)'], ['switchboard.v1, switchboard.v1']])(
    'refuses Sec-WebSocket-Protocol %j from an authenticated client with 400 BAD_REQUEST as JSON',
    async (offered) => {
      const { credentials, gateway } = target;
      const headers = replaced(MODES[1]!.request(SECRET_ROUTES[0]!, credentials, gateway.port).headers, 'Sec-WebSocket-Protocol', offered);
      const result = await rawExchange(gateway.port, requestBytes('GET', '/ws', headers, ''));
      expect(result.response?.status).toBe(400);
      expect(result.response?.headers['content-type']?.[0]).toMatch(/^application\/json/);
      expect(jsonBody(result.response!)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    },
  );

  it('upgrades a well-formed request (the matrix above would pass vacuously if nothing did)', async () => {
    const { credentials, gateway } = target;
    const result = await rawExchange(gateway.port, requestBytes('GET', '/ws', MODES[1]!.request(SECRET_ROUTES[0]!, credentials, gateway.port).headers, ''));
    expect(result.response?.status).toBe(101);
    expect(result.response?.headers['sec-websocket-protocol']).toEqual(['switchboard.v1']);
  });

  it('never had to restart the gateway', () => {
    expect(target.restarts).toBe(0);
  });

  it('still serves', async () => {
    await expectServing(target.gateway);
  });
});

describe('hostile request targets and headers (development mode: /dev/token, /demo/)', () => {
  const target = new Target(DEV_GATEWAY_ENV, (gateway) => devToken(gateway, 'dev-target'));
  let oracle: NodeParserOracle;
  beforeAll(async () => {
    oracle = await NodeParserOracle.start();
    await target.start();
  });
  afterAll(async () => {
    await target.stop();
    await oracle.close();
  });

  it.each(DEV_ROUTES.map((route) => [route.name, route]))(
    '%s: every hostile target and header gets a well-formed answer, JSON when it is an error, and the process survives',
    async (_name, route) => {
      expect(await attack(target, route as Route, oracle)).toEqual([]);
    },
    60_000,
  );

  it('still serves', async () => {
    await expectServingDev(target.gateway);
  });
});
