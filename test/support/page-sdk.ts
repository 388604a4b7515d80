import type { Page } from 'playwright-core';
import type { Json } from '@switchboard/protocol';
import { EventLog, type SdkEvent, type SdkUnderTest } from './event-log.js';

/** What the page's `window` holds: the bundle, the client, and how to run a command on it. */
interface PageWindow {
  Switchboard: typeof import('@switchboard/client');
  report(event: SdkEvent): void;
  client?: import('@switchboard/client').SwitchboardClient;
  run(command: Record<string, unknown>): void;
}

interface PageClientConfig {
  url: string;
  channel?: string;
  options: { backoff?: { initialMs: number; factor: number; maxMs: number }; requestTimeoutMs?: number };
}

/**
 * Runs in the page: a client of the bundle that reports every event through `report`, as
 * sdk-child-script.mjs prints them, and `run()` for `request` and `inspect` commands. Nothing here catches on the
 * SDK's behalf: what it lets escape is a `pageerror`.
 */
function startPageClient({ url, channel, options }: PageClientConfig): void {
  const w = window as unknown as PageWindow;
  const { createClient, SwitchboardError } = w.Switchboard;
  const describe = (error: { code?: unknown; recoverable?: unknown } | undefined) => {
    let code;
    try {
      code = typeof error?.code === 'string' ? error.code : String(error?.code);
    } catch {
      code = '<unprintable>';
    }
    return { codeType: typeof error?.code, code, switchboardError: error instanceof SwitchboardError, recoverable: error?.recoverable };
  };
  const client = createClient({ url, getToken: () => 'token', ...options });
  w.client = client;
  client.on('state', ({ state, previous }) => w.report({ event: 'state', state, previous }));
  client.on('error', (error) => w.report({ event: 'error', ...describe(error) }));
  client.on('welcome', (welcome) => w.report({ event: 'welcome', connectionId: welcome?.connectionId }));
  if (channel) {
    const subscription = client.subscribe(channel);
    subscription.on('message', ({ channel, offset, epoch, payload }) => w.report({ event: 'message', channel, offset, epoch, payload }));
    subscription.on('reset', (position) => w.report({ event: 'reset', ...position }));
    subscription.on('state', (state) => w.report({ event: 'subscription', state }));
    subscription.on('error', (error) => w.report({ event: 'subscription-error', ...describe(error) }));
  }
  w.run = ({ op, ref, type, payload, timeoutMs }) => {
    if (op === 'inspect') {
      const prototypeClean = Object.keys(Object.prototype).length === 0 && !('polluted' in {});
      return w.report({ event: 'inspect', ref: ref as number, stats: client.stats(), prototypeClean });
    }
    client.request(type as string, payload as Json, { timeoutMs: timeoutMs as number }).then(
      (value) => w.report({ event: 'reply', ref: ref as number, ok: true, payload: value ?? null }),
      (error) => w.report({ event: 'reply', ref: ref as number, ok: false, ...describe(error) }),
    );
  };
}

/**
 * The SDK's browser bundle in a Playwright page, as an {@link SdkUnderTest}: the page's
 * reports fill {@link log}, and every uncaught exception or unhandled rejection in the page
 * (a `pageerror`) lands in {@link pageErrors}. A page outlives those, so waits go on: what
 * still works after one is worth knowing. Open the harness page (openClientPage) before `start`.
 */
export class PageSdk implements SdkUnderTest {
  readonly log = new EventLog();
  readonly pageErrors: string[] = [];
  private nextRef = 0;

  private constructor(private readonly page: Page) {
    page.on('pageerror', (error) => this.pageErrors.push(`${error.name}: ${error.message}`));
  }

  static async start(page: Page, config: PageClientConfig): Promise<PageSdk> {
    const sdk = new PageSdk(page);
    await page.exposeFunction('report', (event: SdkEvent) => sdk.log.push(event));
    await page.evaluate(startPageClient, config);
    return sdk;
  }

  request(type: string, payload: Json, timeoutMs?: number): Promise<SdkEvent> {
    return this.command({ op: 'request', type, payload, timeoutMs }, timeoutMs);
  }

  inspect(): Promise<SdkEvent> {
    return this.command({ op: 'inspect' }, 0);
  }

  /** Closes the page's client. */
  async close(): Promise<void> {
    await this.page.evaluate(() => (window as unknown as PageWindow).client?.close());
  }

  private async command(command: Record<string, unknown>, timeoutMs = 10_000): Promise<SdkEvent> {
    const ref = ++this.nextRef;
    await this.page.evaluate((c) => (window as unknown as PageWindow).run(c), { ...command, ref });
    return this.log.next((e) => e.ref === ref, `the answer to ${JSON.stringify(command).slice(0, 120)}`, { timeoutMs: timeoutMs + 3_000 });
  }
}
