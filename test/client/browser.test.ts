import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startExampleBackend } from '../../examples/backend-node/server.mjs';
import { launchBrowser, openClientPage, serveClientBundle, type ClientBundleServer } from '../support/browser.js';
import { stopBundler } from '../support/client-bundle.js';
import { freePort } from '../support/free-port.js';
import { useGateway } from '../support/gateway-resource.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const SCHEMAS = fileURLToPath(new URL('../../examples/messages/schemas', import.meta.url));
const BACKEND_SECRET = 'browser-backend-secret-0123456789abcdef01';
const API_KEY = 'browser-api-key-0123456789abcdef0123456789';


/** Runs in the page: a client of the bundle, connected through discovery and a ticket. */
function startPageClient(gatewayUrl: string): Promise<string> {
  const w = window as unknown as { Switchboard: typeof import('@switchboard/client'); client: unknown; states: string[] };
  const getToken = async () => {
    const response = await fetch(`${gatewayUrl}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'browser-user' }),
    });
    return (await response.json()).token as string;
  };
  const client = w.Switchboard.createClient({ url: gatewayUrl, getToken, backoff: { initialMs: 200, factor: 2, maxMs: 5_000 } });
  w.client = client;
  w.states = [];
  client.on('state', (change) => w.states.push(change.state));
  return new Promise((resolve) => client.on('state', (change) => change.state === 'open' && resolve(change.state)));
}

describe('the built client in real Chromium', () => {
  let browser: Browser;
  let bundle: ClientBundleServer;
  let backendPort: number;
  let proxy: TcpProxy;
  let backend: { close(): Promise<void> };
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    backendPort = await freePort();
    bundle = await serveClientBundle();
  });
  // Above useGateway, so that these close while the gateway still serves.
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await backend?.close();
  });
  const gw = useGateway(() => ({
    ALLOWED_ORIGINS: bundle.origin,
    MESSAGE_SCHEMAS_DIR: SCHEMAS,
    BACKEND_URL: `http://127.0.0.1:${backendPort}/messages`,
    BACKEND_SECRET,
    API_KEY,
  }));
  beforeAll(async () => {
    backend = await startExampleBackend({ port: backendPort, secret: BACKEND_SECRET, gatewayUrl: gw.http(''), apiKey: API_KEY, log: { error: () => undefined } });
    proxy = await TcpProxy.start(gw.port);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await bundle?.close();
    await stopBundler();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    await openClientPage(page, bundle);
  });
  afterEach(async () => {
    await page.evaluate(() => (window as unknown as { client?: { close(): void } }).client?.close());
    await context.close();
  });

  it('connects through discovery and a ticket, and round-trips a typed request', async () => {
    expect(await page.evaluate(startPageClient, proxy.url)).toBe('open');
    const reply = await page.evaluate(async () => {
      const { client } = window as unknown as { client: import('@switchboard/client').SwitchboardClient };
      return client.request('chat.send', { text: 'hello from Chromium' });
    });
    expect(reply).toEqual({ accepted: true, messageId: expect.any(String) });
    const url = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).join(' '));
    expect(url).toContain('/ws/config');
    expect(url).toContain('/ws/ticket');
  });

  it('survives going offline and online: a request made offline is answered once back', async () => {
    expect(await page.evaluate(startPageClient, proxy.url)).toBe('open');
    // The gateway becomes unreachable before the page goes offline: with offline emulation
    // already on, Chromium may never deliver the close of the cut socket to the page.
    proxy.retarget(await freePort());
    proxy.cut();
    await page.waitForFunction(() => (window as unknown as { states: string[] }).states.includes('reconnecting'));
    await context.setOffline(true);
    proxy.retarget(gw.port);
    await page.evaluate(() => {
      const w = window as unknown as { client: import('@switchboard/client').SwitchboardClient; pending: Promise<unknown> };
      w.pending = w.client.request('chat.send', { text: 'sent while offline' }, { timeoutMs: 60_000 });
    });
    await context.setOffline(false);
    const reply = await page.evaluate(() => (window as unknown as { pending: Promise<unknown> }).pending);
    expect(reply).toEqual({ accepted: true, messageId: expect.any(String) });
    const stats = await page.evaluate(() => (window as unknown as { client: import('@switchboard/client').SwitchboardClient }).client.stats());
    expect(stats.state).toBe('open');
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
  });
});
