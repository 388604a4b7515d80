import 'global-jsdom/register';
import { jest } from '@jest/globals';
import { StrictMode } from 'react';
import { render, waitFor } from '@testing-library/react';
import { SwitchboardProvider, useWebSocket, type WebSocketApi } from '@switchboard/react';
import { useGateway } from '../support/gateway-resource.js';
import { metric } from '../support/metrics.js';
import { FrameLog } from '../support/sdk.js';
import { SECRET_ENV, signToken } from '../support/tokens.js';
import { provider } from './render-harness.js';

// These tests run against a real gateway whose frames arrive outside React's act().
beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
});

describe('<SwitchboardProvider> and useWebSocket against a real gateway', () => {
  const gw = useGateway({ ...SECRET_ENV });

  function Status() {
    const { status } = useWebSocket();
    return <p data-testid="status">{status}</p>;
  }

  it('opens exactly one connection under StrictMode, keeps it across re-renders, and closes it on unmount', async () => {
    const before = await metric(gw, 'switchboard_connections_total');
    const log = new FrameLog();
    const tree = (getToken: () => Promise<string>) => (
      <StrictMode>
        <SwitchboardProvider url={gw.http('')} getToken={getToken} options={{ WebSocket: log.WebSocket }}>
          <Status />
        </SwitchboardProvider>
      </StrictMode>
    );
    const view = render(tree(() => signToken('strict')));
    await waitFor(() => expect(view.getByTestId('status').textContent).toBe('open'));
    view.rerender(tree(() => signToken('strict')));
    view.rerender(tree(() => signToken('strict')));
    expect(view.getByTestId('status').textContent).toBe('open');
    expect(log.sockets).toBe(1);
    expect(log.closes).toEqual([]);
    expect(await metric(gw, 'switchboard_connections_total')).toBe(before + 1);

    view.unmount();
    await waitFor(() => expect(log.closes).toHaveLength(1));
    expect(log.closes[0].code).toBe(1000);
    expect(log.sockets).toBe(1);
  });

  it('re-renders useWebSocket only when what it returns changes; sending and receiving do not render', async () => {
    const { Wrapper } = provider(gw.http(''), 'renders');
    const renders: WebSocketApi[] = [];
    function Probe() {
      renders.push(useWebSocket());
      return null;
    }
    render(<Probe />, { wrapper: Wrapper });
    await waitFor(() => expect(renders.at(-1)).toMatchObject({ status: 'open', userId: 'renders' }));
    const settled = renders.length;
    const api = renders.at(-1)!;

    const subscription = api.subscribe('room:pub-renders');
    const received = new Promise<void>((resolve) => subscription.on('message', (m) => m.payload === 19 && resolve()));
    for (let i = 0; i < 20; i++) await api.publish('room:pub-renders', i);
    await received;
    expect(api.stats().framesSent).toBeGreaterThanOrEqual(21);

    expect(renders).toHaveLength(settled);
    expect([...new Set(renders.map((r) => r.status))]).toEqual(['idle', 'connecting', 'open']);
    expect(settled).toBeLessThanOrEqual(4);
    for (let i = 1; i < renders.length; i++) expect(renders[i]).not.toBe(renders[i - 1]);
    for (const key of ['send', 'request', 'publish', 'subscribe', 'stats', 'client'] as const) {
      expect(new Set(renders.map((r) => r[key])).size).toBe(1);
    }
  });

  it('throws a clear error when a hook is used outside the provider', () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => render(<Status />)).toThrow('Switchboard hooks must be used inside a <SwitchboardProvider>');
    } finally {
      spy.mockRestore();
    }
  });
});
