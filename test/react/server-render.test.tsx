import { renderToString } from 'react-dom/server';
import { SwitchboardProvider, useChannel, useOptimisticChannel, useWebSocket } from '@switchboard/react';
import { useGateway } from '../support/gateway-resource.js';
import { metric } from '../support/metrics.js';
import { FrameLog } from '../support/sdk.js';
import { SECRET_ENV } from '../support/tokens.js';

// No DOM here, as on a server: importing and rendering must not reach for one.
function Page() {
  const { status } = useWebSocket();
  const room = useChannel('room:ssr');
  const chat = useOptimisticChannel('room:ssr-chat');
  return (
    <p>
      {status} {room.status} {room.messages.length} {chat.items.length}
    </p>
  );
}

describe('server rendering with react-dom/server', () => {
  const gw = useGateway({ ...SECRET_ENV });

  it('renders the provider and hooks without a window, and opens nothing', async () => {
    expect(typeof window).toBe('undefined');
    expect((globalThis as { WebSocket?: unknown }).WebSocket).toBeUndefined();
    const before = await metric(gw, 'switchboard_connections_total');
    const log = new FrameLog();
    let fetches = 0;
    let tokens = 0;
    const options = {
      WebSocket: log.WebSocket,
      fetch: ((...args: Parameters<typeof fetch>) => {
        fetches++;
        return fetch(...args);
      }) as typeof fetch,
    };
    const html = renderToString(
      <SwitchboardProvider url={gw.http('')} getToken={() => String(++tokens)} options={options}>
        <Page />
      </SwitchboardProvider>,
    );
    expect(html).toBe('<p>idle<!-- --> <!-- -->idle<!-- --> <!-- -->0<!-- --> <!-- -->0</p>');
    // Give any stray timer or promise a chance to connect before checking that none did.
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.sockets).toBe(0);
    expect(fetches).toBe(0);
    expect(tokens).toBe(0);
    expect(await metric(gw, 'switchboard_connections_total')).toBe(before);
  });

  it('renders without any WebSocket implementation at all (Node 20 has none)', () => {
    const html = renderToString(
      <SwitchboardProvider url="http://gateway.invalid" getToken={() => 'token'}>
        <Page />
      </SwitchboardProvider>,
    );
    expect(html).toContain('idle');
  });
});
