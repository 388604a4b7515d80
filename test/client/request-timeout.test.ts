import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { useGateway } from '../support/gateway-resource.js';
import { closeClients, reach, sdkClient } from '../support/sdk.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { SECRET_ENV } from '../support/tokens.js';

const SCHEMAS = fileURLToPath(new URL('../../examples/messages/schemas', import.meta.url));
const BACKEND_SECRET = 'backend-secret-0123456789abcdef0123456789';
const TIMEOUT_MS = 1_500;
/** A little under a third of the timeout, so no connection lasts as long as the timeout. */
const CUT_AFTER_MS = 400;

/** A backend that reads every message and never answers: the request stays unanswered. */
async function startSilentBackend(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  const held = new Set<ServerResponse>();
  const server = createServer((_request, response) => held.add(response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`,
    received: () => held.size,
    close: async () => {
      // The gateway's requests fail at once instead of waiting out BACKEND_TIMEOUT_MS.
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Settles with what `promise` settles with, or with 'still pending' after `ms`. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T | unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve('still pending'), ms)));
  try {
    return await Promise.race([promise.then((value) => value, (error: unknown) => error), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a request whose answer never comes, against a real gateway', () => {
  let proxy: TcpProxy;
  let backend: Awaited<ReturnType<typeof startSilentBackend>>;
  const cuts = new Set<ReturnType<typeof setTimeout>>();
  beforeAll(async () => {
    backend = await startSilentBackend();
  });
  // Above useGateway, so that these close while the gateway still serves.
  afterAll(async () => {
    await backend.close();
    await proxy.close();
  });
  const gw = useGateway(() => ({
    ...SECRET_ENV,
    MESSAGE_SCHEMAS_DIR: SCHEMAS,
    BACKEND_URL: backend.url,
    BACKEND_SECRET,
    BACKEND_TIMEOUT_MS: '600000',
    TICKET_RATE_PER_USER: '1000',
  }));
  beforeAll(async () => {
    proxy = await TcpProxy.start(gw.port);
  });
  afterEach(() => {
    for (const cut of cuts) clearTimeout(cut);
    closeClients();
  });

  it('times out after timeoutMs on connections in total, while every connection is cut before that', async () => {
    const client = sdkClient(proxy.url, 'patient');
    await reach(client, 'open');
    const cutSoon = () => {
      const cut = setTimeout(() => (cuts.delete(cut), proxy.cut()), CUT_AFTER_MS);
      cuts.add(cut);
    };
    const started = Date.now();
    const request = client.request('chat.send', { text: 'never answered' }, { timeoutMs: TIMEOUT_MS });
    cutSoon();
    client.on('welcome', cutSoon);

    // Each connection carries the request for CUT_AFTER_MS: the budget is gone on the fourth.
    const outcome = await within(3 * TIMEOUT_MS, request);
    expect(outcome).toMatchObject({ name: 'SwitchboardError', code: 'TIMEOUT', recoverable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(client.stats().reconnects).toBeGreaterThanOrEqual(3);
    // Written again on every connection, and never answered by the backend.
    expect(backend.received()).toBeGreaterThanOrEqual(3);
  });
});
