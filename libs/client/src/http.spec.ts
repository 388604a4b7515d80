import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchDiscovery, fetchTicket } from './http.js';

describe('discovery and ticket requests', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const status = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (status === 429) headers['retry-after'] = '3';
      const body = status === 200 ? { ok: true } : status === 502 ? 'not json' : { error: { code: status === 403 ? 'ORIGIN_NOT_ALLOWED' : 'FROM_BODY', message: 'nope' } };
      response.writeHead(status, headers).end(typeof body === 'string' ? body : JSON.stringify(body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it.each([
    [401, 'FROM_BODY', false],
    [403, 'ORIGIN_NOT_ALLOWED', false],
    [429, 'FROM_BODY', true],
    [502, 'UNAVAILABLE', true],
  ])('turns HTTP %i into a typed error', async (status, code, recoverable) => {
    const failure = fetchTicket(fetch, `${base}/?status=${status}`, 'token', AbortSignal.timeout(1_000));
    await expect(failure).rejects.toMatchObject({ name: 'SwitchboardError', status, code, recoverable });
    if (status === 429) await expect(failure).rejects.toMatchObject({ retryAfterMs: 3_000 });
  });

  it('turns an unreachable gateway into NETWORK', async () => {
    await expect(fetchDiscovery(fetch, 'http://127.0.0.1:9', AbortSignal.timeout(1_000))).rejects.toMatchObject({ code: 'NETWORK', recoverable: true });
  });

  it('sends the JWT in a header, never in the URL', async () => {
    const seen: Array<{ url?: string; authorization?: string }> = [];
    const recorder = createServer((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization });
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"ticket":"t","expiresAt":1,"url":"ws://x/ws?ticket=t"}');
    });
    recorder.listen(0, '127.0.0.1');
    await once(recorder, 'listening');
    const url = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/ws/ticket`;
    await fetchTicket(fetch, url, 'secret.jwt.value', AbortSignal.timeout(1_000));
    recorder.close();
    expect(seen).toEqual([{ url: '/ws/ticket', authorization: 'Bearer secret.jwt.value' }]);
  });

  it.each([
    ['a ticket URL that is not a WebSocket URL', '{"ticket":"t","expiresAt":1,"url":"http://[bad"}'],
    ['a ticket without url', '{"ticket":"t","expiresAt":1}'],
    ['null', 'null'],
    ['a body that is not JSON', 'ticket: t'],
  ])('refuses %s as INVALID_RESPONSE instead of handing it to the socket', async (_name, body) => {
    const server = createServer((_request, response) => response.writeHead(201, { 'content-type': 'application/json' }).end(body));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ws/ticket`;
    await expect(fetchTicket(fetch, url, 'token', AbortSignal.timeout(1_000))).rejects.toMatchObject({ code: 'INVALID_RESPONSE', recoverable: true });
    server.close();
  });

  it('refuses a discovery document without a usable ticket URL or limits', async () => {
    // The test server answers 200 with {"ok":true}: valid JSON, but no document.
    await expect(fetchDiscovery(fetch, base, AbortSignal.timeout(1_000))).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});
