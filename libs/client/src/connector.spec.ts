import { Connector } from './connector.js';
import { resolveOptions } from './options.js';

/** Resolves when `test()` holds, checked after each `notify()`. */
function condition() {
  const waiters = new Set<{ test: () => boolean; resolve: () => void }>();
  return {
    notify: () => waiters.forEach((w) => w.test() && (waiters.delete(w), w.resolve())),
    until: (test: () => boolean) => new Promise<void>((resolve) => (test() ? resolve() : waiters.add({ test, resolve }))),
  };
}

/** A connector whose network signal and HTTP calls the test drives. */
function setup() {
  let online: () => void = () => undefined;
  const changed = condition();
  const calls: Array<{ reject(error: Error): void }> = [];
  const waits: Array<number | undefined> = [];
  const fetch = (() =>
    new Promise<Response>((_, reject) => {
      calls.push({ reject });
      changed.notify();
    })) as typeof globalThis.fetch;
  const options = resolveOptions({
    url: 'http://gateway.test',
    getToken: () => 'token',
    backoff: { initialMs: 60_000, factor: 2, maxMs: 60_000 },
    random: () => 0.99,
    network: {
      onOnline: (callback) => {
        online = callback;
        return () => undefined;
      },
      onVisible: () => () => undefined,
    },
  });
  const hooks = { error: () => undefined, fail: () => undefined, discovered: () => undefined, waiting: (at: number | undefined) => (waits.push(at), changed.notify()) };
  const connector = new Connector(options, fetch, hooks);
  return { connector, calls, waits, until: changed.until, goOnline: () => online() };
}

describe('Connector', () => {
  it('retries at once when the network came back while an attempt was failing', async () => {
    const { connector, calls, waits, until, goOnline } = setup();
    void connector.nextUrl();
    await until(() => calls.length === 1);
    goOnline();
    calls[0].reject(new TypeError('Failed to fetch'));
    await until(() => calls.length === 2);
    expect(waits).toEqual([]);
    connector.dispose();
  });

  it('otherwise waits out the backoff after a failed attempt, reporting when the next one starts', async () => {
    const { connector, calls, waits, until } = setup();
    void connector.nextUrl();
    await until(() => calls.length === 1);
    calls[0].reject(new TypeError('Failed to fetch'));
    await until(() => waits.length === 1);
    expect(calls).toHaveLength(1);
    expect(waits[0]! - Date.now()).toBeGreaterThan(50_000);
    connector.dispose();
    expect(waits).toEqual([waits[0], undefined]);
  });

  it('backs off after a close reconnecting-websocket made up (a connect timeout), unlike a clean 1000 from the server', async () => {
    const { connector, calls, waits, until } = setup();
    expect(connector.afterClose(1000, false)).toBe('closed');
    expect(connector.afterClose(1000, true)).toBe('reconnect');
    void connector.nextUrl();
    await until(() => waits.length === 1);
    expect(calls).toHaveLength(0);
    expect(waits[0]! - Date.now()).toBeGreaterThan(50_000);
    connector.dispose();
  });
});
