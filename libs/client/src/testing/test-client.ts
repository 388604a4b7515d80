import { createClient } from '../client.js';
import type { ClientOptions } from '../options.js';
import { fakeEnvironment, type FakeSocket } from './fake-environment.js';
import { ManualClock } from './manual-clock.js';

/**
 * A client on a {@link ManualClock} and a {@link fakeEnvironment}, not connected yet
 * (`autoConnect: false`); `options` override the defaults. `open()` connects and plays the
 * gateway up to the welcome. Test support, not part of the package.
 */
export function testClient(options: Partial<ClientOptions> = {}, environment = fakeEnvironment()) {
  const clock = new ManualClock();
  const client = createClient({
    url: 'http://gateway.test',
    getToken: () => 'token',
    WebSocket: environment.WebSocket,
    fetch: environment.fetch,
    network: environment.network,
    clock,
    autoConnect: false,
    ...options,
  });
  /** Connects, waits for the socket the client makes, opens it and sends the welcome. */
  const open = async (): Promise<FakeSocket> => {
    const next = environment.nextSocket();
    client.connect();
    const socket = await next;
    socket.open();
    socket.welcome(clock.now());
    return socket;
  };
  /** Listeners registered on the client now, to show that nothing leaks. */
  const listeners = () => (client as unknown as { events: { count(): number } }).events.count();
  return { clock, environment, client, open, listeners };
}

/** A {@link testClient}, connected and welcomed, with the socket it is open on. */
export async function openClient(options: Partial<ClientOptions> = {}) {
  const test = testClient(options);
  const socket = await test.open();
  return { ...test, socket };
}
