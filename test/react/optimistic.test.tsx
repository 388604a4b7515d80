import 'global-jsdom/register';
import { render, waitFor } from '@testing-library/react';
import { useOptimisticChannel, useWebSocket, type OptimisticChannelApi, type OptimisticItem, type WebSocketApi } from '@switchboard/react';
import { freePort } from '../support/free-port.js';
import { useGateway } from '../support/gateway-resource.js';
import { closeClients, reach, sdkClient } from '../support/sdk.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { SECRET_ENV } from '../support/tokens.js';
import { provider, ROOM_CLAIMS } from './render-harness.js';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
});

/** Renders an optimistic chat on `channel` and records every list it rendered. */
function renderChat(url: string, user: string, channel: string, timeoutMs?: number) {
  const { log, Wrapper } = provider(url, user);
  const renders: Array<readonly OptimisticItem<string>[]> = [];
  const current: { api?: OptimisticChannelApi<string>; status?: string; client?: WebSocketApi['client'] } = {};
  function Chat() {
    const api = useOptimisticChannel<string>(channel, timeoutMs === undefined ? {} : { timeoutMs });
    current.api = api;
    const connection = useWebSocket();
    current.status = connection.status;
    current.client = connection.client;
    renders.push(api.items);
    return <p data-testid="status">{api.status}</p>;
  }
  const view = render(<Chat />, { wrapper: Wrapper });
  const items = () => current.api!.items;
  return { view, log, renders, current, items };
}

/** The first rendered list that contains `key`, and the item in it. */
const firstRenderOf = (renders: Array<readonly OptimisticItem<string>[]>, key: string) => renders.find((items) => items.some((i) => i.key === key))?.find((i) => i.key === key);

describe('useOptimisticChannel against a real gateway', () => {
  const gw = useGateway({ ...SECRET_ENV });
  afterEach(closeClients);

  it('shows a publish at once as pending, confirms it by the ack, and never shows it twice', async () => {
    const { view, renders, current, items } = renderChat(gw.http(''), 'optimist', 'room:pub-opt');
    await waitFor(() => expect(view.getByTestId('status').textContent).toBe('subscribed'));
    const key = current.api!.publish('hello');

    await waitFor(() => expect(items().find((i) => i.key === key)?.offset).toBeDefined());
    expect(firstRenderOf(renders, key)).toEqual({ key, id: key, payload: 'hello', status: 'pending', local: true });
    const [item] = items();
    expect(items()).toHaveLength(1);
    expect(item).toMatchObject({ key, payload: 'hello', status: 'confirmed', local: true, offset: 1, id: `${item.epoch}:1`, ts: expect.any(Number) });
    for (const list of renders) expect(list.filter((i) => i.payload === 'hello').length).toBeLessThanOrEqual(1);
    view.unmount();
  });

  it('rolls a refused publish back with its error; retry tries again and dismiss removes it', async () => {
    const { view, log, current, items } = renderChat(gw.http(''), 'refused', 'room:readonly');
    await waitFor(() => expect(view.getByTestId('status').textContent).toBe('subscribed'));
    const key = current.api!.publish('not allowed');
    await waitFor(() => expect(items()).toMatchObject([{ key, status: 'failed', payload: 'not allowed', error: { code: 'FORBIDDEN', recoverable: false } }]));

    current.api!.retry(key);
    await waitFor(() => expect(log.sent.filter((f) => f.type === 'publish')).toHaveLength(2));
    await waitFor(() => expect(items()).toMatchObject([{ key, status: 'failed', error: { code: 'FORBIDDEN' } }]));

    current.api!.dismiss(key);
    await waitFor(() => expect(items()).toEqual([]));
    view.unmount();
  });

  it('rolls back with TIMEOUT when a connected gateway never answers', async () => {
    const proxy = await TcpProxy.start(gw.port);
    try {
      const { view, current, items } = renderChat(proxy.url, 'timed-out', 'room:pub-timeout', 300);
      await waitFor(() => expect(view.getByTestId('status').textContent).toBe('subscribed'));
      proxy.blackhole();
      const key = current.api!.publish('into the void');
      await waitFor(() => expect(items()).toMatchObject([{ key, status: 'failed', error: { code: 'TIMEOUT', recoverable: true } }]));
      view.unmount();
    } finally {
      await proxy.close();
    }
  });

  it('stays pending while the connection is down, whatever the timeout, then is confirmed and delivered once', async () => {
    const proxy = await TcpProxy.start(gw.port);
    try {
      const { view, log, current, items } = renderChat(proxy.url, 'offline-writer', 'room:pub-offline', 300);
      await waitFor(() => expect(view.getByTestId('status').textContent).toBe('subscribed'));
      proxy.retarget(await freePort());
      proxy.cut();
      await waitFor(() => expect(current.status).toBe('reconnecting'));

      const key = current.api!.publish('written offline');
      const publishedAt = Date.now();
      // Let reconnect attempts fail until well past the 300 ms timeout.
      await new Promise<void>((resolve) => {
        let attempts = 0;
        const stop = current.client!.on('retry', ({ at }) => {
          if (at === undefined && ++attempts >= 3 && Date.now() - publishedAt > 1_000) {
            stop();
            resolve();
          }
        });
      });
      expect(items()).toMatchObject([{ key, status: 'pending' }]);

      proxy.retarget(gw.port);
      await waitFor(() => expect(items()).toMatchObject([{ key, status: 'confirmed', offset: 1 }]));
      const other = sdkClient(gw.http(''), 'after', ROOM_CLAIMS);
      await reach(other, 'open');
      expect((await other.publish('room:pub-offline', 'next')).offset).toBe(2);
      await waitFor(() => expect(items().map((i) => [i.payload, i.status])).toEqual([['written offline', 'confirmed'], ['next', 'confirmed']]));
      expect(log.sent.filter((f) => f.type === 'publish')).toHaveLength(1);
      view.unmount();
    } finally {
      await proxy.close();
    }
  });
});
