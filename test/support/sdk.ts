import WebSocket from 'ws';
import { createClient, type ClientOptions, type ClientState, type SwitchboardClient } from '@switchboard/client';
import { signToken } from './tokens.js';

/** Frames every client socket received, in order, across reconnects. */
export class FrameLog {
  readonly frames: Array<{ at: number; frame: { type: string; payload?: any; [key: string]: unknown } }> = [];
  readonly closes: Array<{ at: number; code: number }> = [];
  /** Frames the client wrote, in order. */
  readonly sent: Array<{ type: string; id?: string; channel?: string; payload?: any }> = [];
  /** Sockets the client constructed. */
  sockets = 0;

  /** A `ws` WebSocket class that records into this log; pass it as `options.WebSocket`. */
  readonly WebSocket: NonNullable<ClientOptions['WebSocket']> = ((log: FrameLog) =>
    class RecordingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        log.sockets++;
        this.on('message', (data) => log.frames.push({ at: Date.now(), frame: JSON.parse(String(data)) }));
        this.on('close', (code) => log.closes.push({ at: Date.now(), code }));
      }

      override send(data: string, ...rest: unknown[]): void {
        log.sent.push(JSON.parse(data));
        (super.send as (...args: unknown[]) => void)(data, ...rest);
      }
    })(this) as unknown as NonNullable<ClientOptions['WebSocket']>;
}

const opened = new Set<SwitchboardClient>();

/** Closes every client `sdkClient` made; call it in `afterEach` so a failed test leaves no timers behind. */
export function closeClients(): void {
  for (const client of opened) client.close();
  opened.clear();
}

/** A client of `user` against `url`, with quick backoff so tests do not wait on defaults. */
export function sdkClient(url: string, user: string, claims: Record<string, unknown> = {}, options: Partial<ClientOptions> = {}): SwitchboardClient {
  const client = createClient({
    url,
    getToken: () => signToken(user, claims),
    WebSocket: WebSocket as unknown as ClientOptions['WebSocket'],
    backoff: { initialMs: 20, factor: 2, maxMs: 200 },
    ...options,
  });
  opened.add(client);
  return client;
}

/** Resolves when the client reaches `state` (at once if it is there). */
export function reach(client: SwitchboardClient, state: ClientState): Promise<void> {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = client.on('state', (change) => {
      if (change.state !== state) return;
      stop();
      resolve();
    });
  });
}
