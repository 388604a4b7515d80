import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { freePort } from '../support/free-port.js';
import { startGateway, type RunningGateway } from '../support/gateway-process.js';
import { disposeGateway } from '../support/gateway-resource.js';

/** Screenshots of every run land here (git-ignored), for a human to look at. */
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** Waits for UI changes that include a reconnect with backoff, so a little longer than the default. */
const UI_TIMEOUT = 30_000;

/** The text of every message shown, with its status, in screen order. */
const messagesOf = (page: Page) =>
  page.$$eval('[data-testid="message"]', (nodes) =>
    nodes.map((node) => `${node.querySelector('.text')?.textContent ?? ''}|${node.getAttribute('data-status')}`),
  );

/** Uncaught errors in any page; every test ends by expecting none. */
const pageErrors: string[] = [];

async function signIn(context: BrowserContext, url: string, name: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${name}: ${String(error)}`));
  await page.goto(url);
  await page.fill('[data-testid="sign-in-name"]', name);
  await page.click('[data-testid="sign-in"]');
  await page.click('[data-testid="room-general"]');
  await page.waitForSelector('[data-testid="connection-banner"][data-state="connected"]', { timeout: UI_TIMEOUT });
  await page.waitForSelector('[data-testid="subscription-status"]', { state: 'detached', timeout: UI_TIMEOUT });
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill('[data-testid="composer-input"]', text);
  await page.click('[data-testid="send"]');
}

/** Waits until `page` shows exactly `expected` (text|status, in order). */
async function shows(page: Page, expected: string[]): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const got = [...document.querySelectorAll('[data-testid="message"]')].map(
        (node) => `${node.querySelector('.text')?.textContent ?? ''}|${node.getAttribute('data-status')}`,
      );
      return JSON.stringify(got) === JSON.stringify(want);
    },
    expected,
    { timeout: UI_TIMEOUT },
  );
}

describe('the demo in real Chromium', () => {
  let browser: Browser;
  let gateway: RunningGateway | undefined;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    // Development mode (no JWT settings): tokens from /dev/token, the demo served at /demo/.
    gateway = await startGateway({ PORT: String(port) });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (gateway) await disposeGateway(gateway);
  });

  it('two users chat; across a gateway crash and restart every message appears once, in the same order, for both', async () => {
    const url = `http://127.0.0.1:${port}/demo/`;
    const alice = await signIn(await browser.newContext(), url, 'alice');
    const bob = await signIn(await browser.newContext(), url, 'bob');

    await say(alice, 'hi bob');
    await shows(bob, ['hi bob|confirmed']);
    await say(bob, 'hi alice');
    await shows(alice, ['hi bob|confirmed', 'hi alice|confirmed']);
    await say(alice, 'how are you?');
    const before = ['hi bob|confirmed', 'hi alice|confirmed', 'how are you?|confirmed'];
    await Promise.all([shows(alice, before), shows(bob, before)]);

    expect(await gateway!.stop('SIGKILL')).toBeNull();
    for (const page of [alice, bob]) {
      await page.waitForSelector('[data-testid="connection-banner"][data-state="reconnecting"]', { timeout: UI_TIMEOUT });
    }
    await say(alice, 'are you there?');
    await say(bob, 'still here');
    await shows(alice, [...before, 'are you there?|pending']);
    await shows(bob, [...before, 'still here|pending']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await alice.screenshot({ path: `${ARTIFACTS}demo-reconnecting.png` });

    gateway = await startGateway({ PORT: String(port) });
    for (const page of [alice, bob]) {
      await page.waitForSelector('[data-testid="connection-banner"][data-state="connected"]', { timeout: UI_TIMEOUT });
    }
    await Promise.all(
      [alice, bob].map((page) => page.waitForFunction(() => document.querySelectorAll('[data-testid="message"][data-status="confirmed"]').length === 5, undefined, { timeout: UI_TIMEOUT })),
    );
    const [aliceSees, bobSees] = [await messagesOf(alice), await messagesOf(bob)];
    expect(aliceSees).toHaveLength(5);
    expect(bobSees).toEqual(aliceSees);
    expect(aliceSees.slice(0, 3)).toEqual(before);
    expect([...aliceSees.slice(3)].sort()).toEqual(['are you there?|confirmed', 'still here|confirmed']);
    await alice.screenshot({ path: `${ARTIFACTS}demo.png` });
    await Promise.all([alice.context().close(), bob.context().close()]);
    expect(pageErrors).toEqual([]);
  });

  it('rolls back a message to a read-only room with a visible error', async () => {
    const page = await signIn(await browser.newContext(), `http://127.0.0.1:${port}/demo/`, 'carol');
    await page.click('[data-testid="room-announcements"]');
    await page.waitForSelector('[data-testid="subscription-status"]', { state: 'detached', timeout: UI_TIMEOUT });
    await say(page, 'can I post here?');
    await shows(page, ['can I post here?|failed']);
    const error = await page.textContent('[data-testid="message-error"]');
    expect(error).toMatch(/FORBIDDEN/);
    expect(await page.isVisible('[data-testid="retry"]')).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}demo-forbidden.png` });
    await page.context().close();
    expect(pageErrors).toEqual([]);
  });
});
