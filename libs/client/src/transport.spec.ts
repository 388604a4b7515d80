import type { WebSocketConstructor } from './options.js';
import { FakeSocket } from './testing/fake-environment.js';
import { Transport, type TransportListener } from './transport.js';

/** A socket that counts its `error` listeners and, as `ws` does, reports closing a connecting socket as an error. */
class CountingSocket extends FakeSocket {
  static readonly created: CountingSocket[] = [];
  readonly errorListeners = new Set<EventListenerOrEventListenerObject | null>();
  terminated = false;

  constructor(url: string) {
    super(url);
    CountingSocket.created.push(this);
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'error') this.errorListeners.add(listener);
    super.addEventListener(type, listener);
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'error') this.errorListeners.delete(listener);
    super.removeEventListener(type, listener);
  }

  override close(code?: number): void {
    const connecting = this.readyState === FakeSocket.CONNECTING;
    super.close(code);
    if (connecting) this.dispatchEvent(new Event('error'));
  }

  terminate(): void {
    this.terminated = true;
  }
}

const tick = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 1));
};

function setup() {
  const events: string[] = [];
  const listener: TransportListener = {
    opened: () => events.push('opened'),
    message: (data) => events.push(`message ${String(data)}`),
    closed: (code, fromServer) => events.push(`closed ${code} ${fromServer ? 'server' : 'transport'}`),
  };
  const transport = new Transport(CountingSocket as unknown as WebSocketConstructor, listener);
  return { transport, events, sockets: CountingSocket.created };
}

describe('Transport', () => {
  afterEach(() => (CountingSocket.created.length = 0));

  it('opens a socket only when dialed, and reports the attempt it is on', async () => {
    const { transport, events, sockets } = setup();
    await tick();
    expect(sockets).toHaveLength(0);
    transport.dial('ws://gateway.test/ws?ticket=1');
    await tick();
    expect(sockets.map((socket) => socket.url)).toEqual(['ws://gateway.test/ws?ticket=1']);
    sockets[0]!.open();
    sockets[0]!.deliver({ type: 'pong' });
    sockets[0]!.serverClose(1011);
    expect(events).toEqual(['opened', 'message {"ts":1,"type":"pong"}', 'closed 1011 server']);
    // reconnecting-websocket asks for the next URL at once; no socket until the next dial.
    await tick();
    expect(sockets).toHaveLength(1);
    transport.dial('ws://gateway.test/ws?ticket=2');
    await tick();
    expect(sockets).toHaveLength(2);
    transport.close();
  });

  it('drops an attempt at once: the socket is terminated, keeps an error listener, and nothing more of it is reported', async () => {
    const { transport, events, sockets } = setup();
    transport.dial('ws://gateway.test/ws?ticket=1');
    await tick();
    transport.drop(4000, 'handshake timeout');
    await tick();
    expect(sockets[0]!.terminated).toBe(true);
    expect(sockets[0]!.closedWith).toBe(4000);
    // reconnecting-websocket has let go of the abandoned socket; ours is the listener left.
    expect(sockets[0]!.errorListeners.size).toBe(1);
    expect(events).toEqual([]);
    transport.close();
  });

  it('closes for good: a URL request still open is never answered, and no socket is made', async () => {
    const { transport, events, sockets } = setup();
    transport.dial('ws://gateway.test/ws?ticket=1');
    await tick();
    sockets[0]!.open();
    sockets[0]!.serverClose(1001);
    transport.close();
    transport.dial('ws://gateway.test/ws?ticket=2');
    await tick();
    expect(sockets).toHaveLength(1);
    expect(events).toEqual(['opened', 'closed 1001 server']);
  });
});
