import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bundleClient } from './client-bundle.js';

/** The distribution's Chromium; CI installs it when missing (see .ci/run). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Quiet, offline-friendly flags: no background traffic, no QUIC (setOffline does not cover it). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/**
 * Launches headless Chromium through playwright-core. Each launch gets a fresh temporary
 * profile (Playwright creates and removes it), so tests share no cookies or storage.
 * @throws {Error} when /usr/bin/chromium is not installed, saying how to install it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it. ` +
        'Install it with: apt-get update && apt-get install -y chromium',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A local HTTP server for the client's browser bundle and a page that loads it. */
export interface ClientBundleServer {
  /** The page: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The page's origin, e.g. for the gateway's ALLOWED_ORIGINS. */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * The page sets `window.Switchboard` (the module namespace) and `window.ready = true`, or
 * `window.loadError` if the bundle fails to load or throws while evaluating.
 */
const PAGE = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>Switchboard client harness</title>
    <script>
      window.addEventListener('error', (event) => { window.loadError = String(event.message || event.type); });
    </script>
    <script type="module">
      import * as Switchboard from '/switchboard-client.js';
      window.Switchboard = Switchboard;
      window.ready = true;
    </script>
  </head>
  <body></body>
</html>
`;

/**
 * Serves the browser ESM bundle of libs/client/dist/esm/index.js (built once per process
 * with esbuild-wasm, dependencies included) at `/switchboard-client.js`, and at `/` a page
 * that imports it. Listens on 127.0.0.1 on an ephemeral port.
 * @throws {Error} when the bundle imports a Node built-in.
 */
export async function serveClientBundle(): Promise<ClientBundleServer> {
  const bundle = await bundleClient();
  if (bundle.nodeBuiltins.length > 0) {
    throw new Error(`the client's browser bundle imports Node built-ins: ${bundle.nodeBuiltins.join(', ')}`);
  }
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const headers = { 'cache-control': 'no-store' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
    } else if (path === '/' || path === '/index.html') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (path === '/switchboard-client.js') {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(bundle.code);
    } else {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from the browser would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** Opens the harness page in `page` and waits until the bundle is loaded; throws its load error if any. */
export async function openClientPage(page: Page, server: ClientBundleServer): Promise<void> {
  await page.goto(server.url);
  const outcome = await page.waitForFunction(() => {
    const w = window as unknown as { ready?: boolean; loadError?: string };
    return w.ready ? 'ready' : w.loadError ? `error: ${w.loadError}` : false;
  });
  const state = (await outcome.jsonValue()) as string;
  if (state !== 'ready') throw new Error(`the client bundle did not load in the page: ${state}`);
}
