import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { PinoLogger } from 'nestjs-pino';
import { systemClock } from '../clock/index.js';
import { verifySignature } from '../../../../examples/backend-node/server.mjs';
import type { BackendSettings, GatewayConfig } from '../config/index.js';
import { MetricsService } from '../metrics/index.js';
import type { BackendOutcome, BackendRequest } from './backend-bridge.js';
import { HttpBackendBridge } from './http-backend-bridge.js';

const SECRET = 's'.repeat(32);
const REQUEST: BackendRequest = {
  type: 'chat.send',
  id: 'm1',
  payload: { text: 'hi' },
  user: { id: 'alice', claims: { sub: 'alice', role: 'admin' } },
  connectionId: 'c1',
};
const NEVER_OPENS = { errorPercent: 50, minRequests: 1_000, resetMs: 10_000 };

type Hit = { method?: string; url?: string; headers: IncomingHttpHeaders; body: string; remotePort?: number };

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(disposers.splice(0).map((dispose) => dispose()));
});

/** A real HTTP server on an ephemeral port that records every request it gets. */
async function backend(answer: (hit: Hit, res: ServerResponse) => void) {
  const hits: Hit[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const hit = { method: req.method, url: req.url, headers: req.headers, body, remotePort: req.socket.remotePort };
    hits.push(hit);
    answer(hit, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  disposers.push(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages?app=demo`, hits, close };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function bridgeFor(url: string, settings: Partial<BackendSettings> = {}) {
  const metrics = new MetricsService();
  const backend: BackendSettings = { url, secret: SECRET, timeoutMs: 2_000, maxConnections: 4, breaker: NEVER_OPENS, ...settings };
  const bridge = new HttpBackendBridge({ backend } as GatewayConfig, metrics, systemClock, new PinoLogger({ pinoHttp: { level: 'silent' } }));
  disposers.push(() => bridge.close());
  return { bridge, metrics };
}

/** `switchboard_backend_requests_total` by outcome, and how many latencies were observed. */
async function counted(metrics: MetricsService): Promise<{ outcomes: Record<string, number>; latencies: number }> {
  const outcomes = Object.fromEntries((await metrics.backendRequests.get()).values.map((v) => [v.labels.outcome, v.value]));
  const latencies = (await metrics.backendLatency.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  return { outcomes, latencies };
}

const retryAfterOf = (outcome: BackendOutcome) => (outcome.ok ? undefined : outcome.retryAfterMs) ?? 0;

describe('HttpBackendBridge', () => {
  it('POSTs the signed request to the URL and answers a 2xx JSON body as the reply', async () => {
    const server = await backend((_, res) => json(res, 200, { accepted: true }));
    const { bridge, metrics } = bridgeFor(server.url);
    expect(await bridge.deliver({ ...REQUEST, extra: 'not sent' } as BackendRequest)).toEqual({ ok: true, reply: { accepted: true } });
    const [hit] = server.hits;
    expect(hit).toMatchObject({ method: 'POST', url: '/messages?app=demo' });
    expect(hit.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hit.body)).toEqual(REQUEST);
    expect(Object.keys(JSON.parse(hit.body))).toEqual(['type', 'id', 'payload', 'user', 'connectionId']);
    expect(verifySignature(hit.body, hit.headers['x-switchboard-signature'], SECRET)).toBe(true);
    expect(verifySignature(hit.body, hit.headers['x-switchboard-signature'], 'x'.repeat(32))).toBe(false);
    expect(await counted(metrics)).toEqual({ outcomes: { ok: 1 }, latencies: 1 });
  });

  it('keeps connections alive across requests', async () => {
    const server = await backend((_, res) => json(res, 200, null));
    const { bridge } = bridgeFor(server.url, { maxConnections: 1 });
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: true, reply: null });
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: true, reply: null });
    expect(server.hits[1].remotePort).toBe(server.hits[0].remotePort);
  });

  it('answers an empty 2xx without a reply', async () => {
    const server = await backend((_, res) => res.writeHead(server.hits.length === 1 ? 204 : 200).end());
    const { bridge } = bridgeFor(server.url);
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: true });
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: true });
  });

  it('treats a 2xx that is not JSON, or too large, as an unavailable backend', async () => {
    let body = 'OK';
    const server = await backend((_, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(body));
    const { bridge, metrics } = bridgeFor(server.url);
    expect(await bridge.deliver(REQUEST)).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    body = JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) });
    expect(await bridge.deliver(REQUEST)).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    expect((await counted(metrics)).outcomes).toEqual({ unavailable: 2 });
  });

  it("passes a 4xx error body's code, message and details through", async () => {
    const error = { code: 'CHAT_CLOSED', message: 'the chat is closed', details: { chat: 7 } };
    const server = await backend((_, res) => json(res, 409, { error }));
    const { bridge, metrics } = bridgeFor(server.url);
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: false, ...error });
    expect((await counted(metrics)).outcomes).toEqual({ rejected: 1 });
  });

  it('answers BAD_REQUEST for a 4xx without a valid error body, and RATE_LIMITED for a bare 429', async () => {
    const server = await backend((_, res) => {
      const answers = [
        () => res.writeHead(404).end('Not Found'),
        () => json(res, 400, { error: { code: 'lower-case', message: 'bad code' } }),
        () => res.writeHead(429, { 'retry-after': '3' }).end(),
      ];
      answers[server.hits.length - 1]();
    });
    const { bridge } = bridgeFor(server.url);
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: false, code: 'BAD_REQUEST', message: 'the backend refused the message (HTTP 404)', details: { status: 404 } });
    expect(await bridge.deliver(REQUEST)).toMatchObject({ ok: false, code: 'BAD_REQUEST', details: { status: 400 } });
    expect(await bridge.deliver(REQUEST)).toMatchObject({ ok: false, code: 'RATE_LIMITED', retryAfterMs: 3_000 });
  });

  it('answers BACKEND_UNAVAILABLE for a 5xx, with its Retry-After', async () => {
    const server = await backend((_, res) => res.writeHead(503, { 'retry-after': '2' }).end('{"error":{"code":"DOWN","message":"hidden"}}'));
    const { bridge, metrics } = bridgeFor(server.url);
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: false, code: 'BACKEND_UNAVAILABLE', message: expect.any(String), retryAfterMs: 2_000 });
    expect((await counted(metrics)).outcomes).toEqual({ unavailable: 1 });
  });

  it('answers TIMEOUT when the backend does not answer within timeoutMs', async () => {
    const server = await backend(() => {});
    const { bridge, metrics } = bridgeFor(server.url, { timeoutMs: 200 });
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: false, code: 'TIMEOUT', message: 'the backend did not answer within 200 ms' });
    expect(await counted(metrics)).toEqual({ outcomes: { timeout: 1 }, latencies: 1 });
  });

  it('answers BACKEND_UNAVAILABLE when the connection is refused', async () => {
    const server = await backend(() => {});
    await server.close();
    const { bridge, metrics } = bridgeFor(server.url);
    expect(await bridge.deliver(REQUEST)).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    expect((await counted(metrics)).outcomes).toEqual({ unavailable: 1 });
  });

  it('opens the circuit after failures, fails fast without calling the backend, and closes once it recovers', async () => {
    let failing = true;
    const server = await backend((_, res) => (failing ? res.writeHead(500).end() : json(res, 200, { fine: true })));
    const { bridge, metrics } = bridgeFor(server.url, { breaker: { errorPercent: 50, minRequests: 3, resetMs: 300 } });
    for (let i = 0; i < 3; i++) expect(await bridge.deliver(REQUEST)).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    const fast = await bridge.deliver(REQUEST);
    expect(fast).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    const retryAfterMs = retryAfterOf(fast);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(300);
    expect(server.hits).toHaveLength(3);
    failing = false;
    await delay(retryAfterMs + 50);
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: true, reply: { fine: true } });
    expect(await bridge.deliver(REQUEST)).toEqual({ ok: true, reply: { fine: true } });
    expect(server.hits).toHaveLength(5);
    expect(await counted(metrics)).toEqual({ outcomes: { unavailable: 3, circuit_open: 1, ok: 2 }, latencies: 5 });
  });

  it('opens again when the trial request after resetMs fails too', async () => {
    const server = await backend(() => {});
    const { bridge } = bridgeFor(server.url, { timeoutMs: 100, breaker: { errorPercent: 50, minRequests: 2, resetMs: 300 } });
    for (let i = 0; i < 2; i++) expect(await bridge.deliver(REQUEST)).toMatchObject({ code: 'TIMEOUT' });
    const fast = await bridge.deliver(REQUEST);
    expect(fast).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    await delay(retryAfterOf(fast) + 50);
    expect(await bridge.deliver(REQUEST)).toMatchObject({ code: 'TIMEOUT' });
    expect(await bridge.deliver(REQUEST)).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryAfterMs: expect.any(Number) });
    expect(server.hits).toHaveLength(3);
  });

  it('never opens the circuit for 4xx answers', async () => {
    const server = await backend((_, res) => json(res, 422, { error: { code: 'INVALID_TEXT', message: 'no' } }));
    const { bridge } = bridgeFor(server.url, { breaker: { errorPercent: 1, minRequests: 2, resetMs: 10_000 } });
    for (let i = 0; i < 6; i++) expect(await bridge.deliver(REQUEST)).toMatchObject({ code: 'INVALID_TEXT' });
    expect(server.hits).toHaveLength(6);
  });

  it('answers BACKEND_UNAVAILABLE once closed', async () => {
    const server = await backend((_, res) => json(res, 200, {}));
    const { bridge } = bridgeFor(server.url);
    await bridge.close();
    expect(await bridge.deliver(REQUEST)).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    expect(server.hits).toHaveLength(0);
  });
});
