import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, openClientPage, serveClientBundle, type ClientBundleServer } from '../support/browser.js';
import { ChannelModel } from '../support/channel-model.js';
import { stopBundler } from '../support/client-bundle.js';
import { FakeGateway } from '../support/fake-gateway.js';
import { gatewayAnswers, HEALTHY, probe, sendHostile } from '../support/fuzz-session.js';
import { CATEGORIES, HostileFrames } from '../support/hostile-frames.js';
import { PageSdk } from '../support/page-sdk.js';

/** Override to replay another run: CLIENT_FUZZ_SEED=0x1234 npx jest test/client/browser-hostile-frames.test.ts */
const SEED = Number(process.env.CLIENT_FUZZ_SEED ?? 0xc11e5eed) >>> 0;
const SEED_HEX = `0x${SEED.toString(16)}`;
const FRAMES = 1_500;
const CHANNEL = 'room:fuzz';

describe(`the built client in real Chromium against a hostile server, seed ${SEED_HEX}`, () => {
  let browser: Browser;
  let bundle: ClientBundleServer;
  let context: BrowserContext;
  let page: Page;
  let gateway: FakeGateway;
  let sdk: PageSdk | undefined;

  beforeAll(async () => {
    bundle = await serveClientBundle();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await bundle?.close();
    await stopBundler();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    await openClientPage(page, bundle);
  });
  afterEach(async () => {
    await sdk?.close().catch(() => undefined);
    sdk = undefined;
    await context.close();
    await gateway?.close();
  });

  it(`handles ${FRAMES} seeded hostile frames of every category (seed ${SEED_HEX}) with no uncaught error in the page: typed errors, and it still requests and receives`, async () => {
    const model = new ChannelModel(CHANNEL);
    gateway = await FakeGateway.start({ answer: gatewayAnswers(model, { seed: SEED, rate: 0.2 }) });
    sdk = await PageSdk.start(page, { url: gateway.url, channel: CHANNEL, options: { backoff: { initialMs: 20, factor: 2, maxMs: 200 }, requestTimeoutMs: 3_000 } });
    await sdk.log.next((e) => e.event === 'subscription' && e.state !== 'subscribing', 'the first subscribe answer');
    const frames = new HostileFrames(SEED, model, gateway.limits).take(FRAMES);
    expect(new Set(frames.map((f) => f.category))).toEqual(new Set(CATEGORIES));

    const fuzzed = await sendHostile(sdk, gateway, frames).then(() => 'every frame handled', (error: Error) => error.message);

    const result = await probe(sdk, gateway, model);
    expect({ fuzzed, ...result, pageErrors: sdk.pageErrors }).toEqual({ fuzzed: 'every frame handled', ...HEALTHY, pageErrors: [] });
    expect(sdk.log.named('error').length).toBeGreaterThan(FRAMES / 100);
  });
});
