import { jest } from '@jest/globals';
import type { SwitchboardError } from './errors.js';
import type { WebSocketConstructor } from './options.js';
import { createTransport } from './transport.js';

/** A socket whose handshake never completes; it counts the `error` listeners it has. */
class StalledSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static readonly created: StalledSocket[] = [];
  readyState = StalledSocket.CONNECTING;
  binaryType = 'blob';
  readonly errorListeners = new Set<EventListenerOrEventListenerObject | null>();

  constructor(readonly url: string) {
    super();
    StalledSocket.created.push(this);
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'error') this.errorListeners.add(listener);
    super.addEventListener(type, listener);
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'error') this.errorListeners.delete(listener);
    super.removeEventListener(type, listener);
  }

  /** As `ws` does: closing a socket that is still connecting is reported as an error. */
  close(): void {
    this.readyState = StalledSocket.CLOSED;
    this.dispatchEvent(new Event('error'));
  }
}

describe('createTransport', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.useRealTimers();
    StalledSocket.created.length = 0;
  });

  it('abandons a stalled handshake after connectTimeoutMs: a synthetic close, a TIMEOUT, and a socket that keeps an error listener', async () => {
    const timeouts: SwitchboardError[] = [];
    const closes: boolean[] = [];
    const transport = createTransport(async () => 'ws://gateway.test/ws', StalledSocket as unknown as WebSocketConstructor, 1_000, (error) => timeouts.push(error));
    transport.addEventListener('close', (event) => closes.push(event.target === transport));
    transport.reconnect();
    await jest.advanceTimersByTimeAsync(999);
    expect(StalledSocket.created).toHaveLength(1);
    expect(closes).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    expect(closes).toEqual([true]);
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]).toMatchObject({ name: 'SwitchboardError', code: 'TIMEOUT', recoverable: true });
    // reconnecting-websocket has let go of the abandoned socket; ours is the listener left.
    expect(StalledSocket.created[0].errorListeners.size).toBe(1);

    // The next attempt comes, and times out alike: nothing is left behind per attempt.
    await jest.advanceTimersByTimeAsync(1);
    expect(StalledSocket.created).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(closes).toEqual([true, true]);
    expect(timeouts).toHaveLength(2);
    expect(StalledSocket.created.map((socket) => socket.errorListeners.size)).toEqual([1, 1]);
    transport.close();
  });
});
