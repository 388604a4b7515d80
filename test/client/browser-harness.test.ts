import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, openClientPage, serveClientBundle, type ClientBundleServer } from '../support/browser.js';
import { stopBundler } from '../support/client-bundle.js';

/** What the page's `window` holds once the harness has loaded the bundle. */
interface HarnessWindow {
  Switchboard: typeof import('@switchboard/client');
}

describe('browser harness: the built client in real Chromium', () => {
  let browser: Browser;
  let server: ClientBundleServer;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await serveClientBundle();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await stopBundler();
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  it('loads the ESM bundle from the local server and exposes the public API', async () => {
    await openClientPage(page, server);
    const result = await page.evaluate(() => {
      const { Switchboard } = window as unknown as HarnessWindow;
      const error = new Switchboard.SwitchboardError('QUEUE_FULL', 'x');
      return {
        isFunction: typeof Switchboard.SwitchboardError === 'function',
        code: error.code,
        name: error.name,
        isError: error instanceof Error,
      };
    });
    expect(result).toEqual({ isFunction: true, code: 'QUEUE_FULL', name: 'SwitchboardError', isError: true });
  });
});
