import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PinoLogger } from 'nestjs-pino';
import { systemClock } from '../clock/index.js';
import { startExampleBackend } from '../../../../examples/backend-node/server.mjs';
import { loadSchemas } from '../application-messages/load-schemas.js';
import type { GatewayConfig } from '../config/index.js';
import { MetricsService } from '../metrics/index.js';
import type { BackendRequest } from './backend-bridge.js';
import { HttpBackendBridge } from './http-backend-bridge.js';

const SECRET = 'e'.repeat(32);
const API_KEY = 'a'.repeat(32);
const CHAT: BackendRequest = {
  type: 'chat.send',
  id: 'm1',
  payload: { text: 'hello' },
  user: { id: 'alice', claims: { sub: 'alice' } },
  connectionId: 'c1',
};

interface Publication {
  url?: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(disposers.splice(0).map((dispose) => dispose()));
});

/** Stands in for the gateway's server API: resolves with the first publication it gets. */
async function fakeGateway(): Promise<{ url: string; published: Promise<Publication> }> {
  let resolve!: (publication: Publication) => void;
  const published = new Promise<Publication>((r) => (resolve = r));
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"offset":1,"epoch":"e1"}');
    resolve({ url: req.url, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  disposers.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, published };
}

async function exampleBackend(gatewayUrl?: string) {
  const errors: unknown[] = [];
  const backend = await startExampleBackend({ secret: SECRET, gatewayUrl, apiKey: API_KEY, log: { error: (...args: unknown[]) => errors.push(args) } });
  disposers.push(() => backend.close());
  return { ...backend, errors };
}

function bridgeTo(url: string, secret = SECRET): HttpBackendBridge {
  const config = {
    backend: { url, secret, timeoutMs: 2_000, maxConnections: 2, breaker: { errorPercent: 50, minRequests: 10, resetMs: 10_000 } },
  } as GatewayConfig;
  const bridge = new HttpBackendBridge(config, new MetricsService(), systemClock, new PinoLogger({ pinoHttp: { level: 'silent' } }));
  disposers.push(() => bridge.close());
  return bridge;
}

describe('the Node example backend (examples/backend-node/server.mjs)', () => {
  it('answers chat.send and publishes the message to the user channel through the gateway API', async () => {
    const gateway = await fakeGateway();
    const backend = await exampleBackend(gateway.url);

    const outcome = await bridgeTo(backend.url).deliver(CHAT);
    expect(outcome).toEqual({ ok: true, reply: { accepted: true, messageId: expect.any(String) } });

    const publication = await gateway.published;
    expect(publication.url).toBe('/api/publish');
    expect(publication.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(publication.body).toEqual({
      channel: 'user:alice',
      payload: {
        type: 'chat.message',
        messageId: outcome.ok ? (outcome.reply as { messageId: string }).messageId : undefined,
        text: 'hello',
        from: 'alice',
        sentAt: expect.any(Number),
      },
      idempotencyKey: 'c1:m1',
    });
    expect(backend.errors).toEqual([]);
  });

  it('refuses a request signed with another secret as UNAUTHORIZED', async () => {
    const backend = await exampleBackend();
    expect(await bridgeTo(backend.url, 'w'.repeat(32)).deliver(CHAT)).toEqual({ ok: false, code: 'UNAUTHORIZED', message: 'bad signature' });
  });

  it("takes the chat.send payload that the example app's schemas (examples/messages/schemas) accept", () => {
    const validators = loadSchemas(fileURLToPath(new URL('../../../../examples/messages/schemas', import.meta.url)));
    const validate = validators.get('chat.send');
    expect(validate?.({ text: 'hello' })).toBe(true);
    expect(validate?.({ text: '' })).toBe(false);
  });

  it("answers its own error codes, which reach the client unchanged", async () => {
    const bridge = bridgeTo((await exampleBackend()).url);
    expect(await bridge.deliver({ ...CHAT, payload: { text: ' ' } })).toMatchObject({ ok: false, code: 'INVALID_TEXT' });
    expect(await bridge.deliver({ ...CHAT, type: 'chat.unknown' })).toMatchObject({ ok: false, code: 'UNKNOWN_TYPE' });
  });
});
