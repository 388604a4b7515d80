import 'global-jsdom/register';
import { render, waitFor } from '@testing-library/react';
import type { ChannelMessage } from '@switchboard/client';
import { useChannel, useMessage, useWebSocket, type ChannelReset } from '@switchboard/react';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { metric } from '../support/metrics.js';
import { closeClients, reach, sdkClient } from '../support/sdk.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { SECRET_ENV } from '../support/tokens.js';
import { provider, ROOM_CLAIMS } from './render-harness.js';

const API_KEY = 'react-test-api-key-0123456789abcdef012345';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
});

/** A plain SDK client that publishes, as another user's tab would. */
async function publisher(url: string) {
  const client = sdkClient(url, 'publisher', ROOM_CLAIMS);
  await reach(client, 'open');
  return client;
}

const payloads = (messages: readonly ChannelMessage<unknown>[]) => messages.map((m) => m.payload);

describe('useChannel and useMessage against a real gateway', () => {
  const gw = useGateway({ ...SECRET_ENV, API_KEY });
  afterEach(closeClients);

  it('shares one ref-counted subscription between components and releases it when the last unmounts', async () => {
    const subscriptionsBefore = await metric(gw, 'switchboard_subscriptions');
    const { log, Wrapper } = provider(gw.http(''), 'sharer');
    function Room({ id }: { id: string }) {
      const { messages, status } = useChannel('room:pub-shared');
      return <p data-testid={id}>{`${status}:${payloads(messages).join(',')}`}</p>;
    }
    const App = ({ a, b }: { a: boolean; b: boolean }) => (
      <>
        {a && <Room id="a" />}
        {b && <Room id="b" />}
      </>
    );
    const view = render(<App a b />, { wrapper: Wrapper });
    await waitFor(() => expect(view.getByTestId('a').textContent).toBe('subscribed:'));
    expect(view.getByTestId('b').textContent).toBe('subscribed:');
    const sentFor = (type: string) => log.sent.filter((f) => f.type === type && f.channel === 'room:pub-shared');
    expect(sentFor('subscribe')).toHaveLength(1);
    expect(await metric(gw, 'switchboard_subscriptions')).toBe(subscriptionsBefore + 1);

    const other = await publisher(gw.http(''));
    await other.publish('room:pub-shared', 'one');
    await waitFor(() => expect(view.getByTestId('b').textContent).toBe('subscribed:one'));
    expect(view.getByTestId('a').textContent).toBe('subscribed:one');

    view.rerender(<App a={false} b />);
    await other.publish('room:pub-shared', 'two');
    await waitFor(() => expect(view.getByTestId('b').textContent).toBe('subscribed:one,two'));
    expect(sentFor('unsubscribe')).toHaveLength(0);

    view.rerender(<App a={false} b={false} />);
    await waitFor(() => expect(sentFor('unsubscribe')).toHaveLength(1));
    expect(sentFor('subscribe')).toHaveLength(1);
    await waitFor(async () => expect(await metric(gw, 'switchboard_subscriptions')).toBe(subscriptionsBefore));
    view.unmount();
  });

  it('never collapses a burst: onMessage sees every message in order and messages keeps the newest `limit`', async () => {
    const { Wrapper } = provider(gw.http(''), 'burst');
    const seen: unknown[] = [];
    function Recent() {
      const { messages, status } = useChannel<number>('room:pub-burst', { limit: 30, onMessage: (m) => seen.push(m.payload) });
      return <p data-testid="recent">{`${status}|${payloads(messages).join(',')}`}</p>;
    }
    function All() {
      const { messages } = useChannel<number>('room:pub-burst');
      return <p data-testid="all">{payloads(messages).join(',')}</p>;
    }
    const view = render(
      <>
        <Recent />
        <All />
      </>,
      { wrapper: Wrapper },
    );
    await waitFor(() => expect(view.getByTestId('recent').textContent).toBe('subscribed|'));
    const other = await publisher(gw.http(''));
    const sent = Array.from({ length: 50 }, (_, i) => i);
    await Promise.all(sent.map((i) => other.publish('room:pub-burst', i)));

    await waitFor(() => expect(view.getByTestId('all').textContent).toBe(sent.join(',')));
    expect(view.getByTestId('recent').textContent).toBe(`subscribed|${sent.slice(-30).join(',')}`);
    expect(seen).toEqual(sent);
    view.unmount();
  });

  it('recovers what was published while the connection was dead, in order, without a reset', async () => {
    const proxy = await TcpProxy.start(gw.port);
    try {
      const { log, Wrapper } = provider(proxy.url, 'recoverer');
      const resets: ChannelReset[] = [];
      function Room() {
        const { messages, status, reset } = useChannel('room:pub-recover', { onReset: (r) => resets.push(r) });
        return <p data-testid="room">{`${status}|${reset ? 'reset' : ''}|${payloads(messages).join(',')}`}</p>;
      }
      const view = render(<Room />, { wrapper: Wrapper });
      await waitFor(() => expect(view.getByTestId('room').textContent).toBe('subscribed||'));
      const other = await publisher(gw.http(''));
      await other.publish('room:pub-recover', 1);
      await waitFor(() => expect(view.getByTestId('room').textContent).toBe('subscribed||1'));

      proxy.blackhole();
      for (const n of [2, 3, 4]) await other.publish('room:pub-recover', n);
      proxy.cut();
      await waitFor(() => expect(view.getByTestId('room').textContent).toBe('subscribed||1,2,3,4'));
      const recovery = log.frames.map((f) => f.frame).find((f) => f.type === 'ack' && f.payload?.recovered === true);
      expect(recovery?.payload.publications.map((p: { payload: unknown }) => p.payload)).toEqual([2, 3, 4]);
      expect(resets).toEqual([]);
      view.unmount();
    } finally {
      await proxy.close();
    }
  });

  it('surfaces reset after a gateway restart and then gets what the new epoch already holds', async () => {
    await withGateway({ ...SECRET_ENV }, async (second) => {
      const proxy = await TcpProxy.start(gw.port);
      try {
        const { Wrapper } = provider(proxy.url, 'resetter');
        const resets: ChannelReset[] = [];
        let epoch = '';
        function Room() {
          const { messages, status, reset } = useChannel('room:pub-reset', { onReset: (r) => resets.push(r) });
          epoch = messages[0]?.epoch ?? epoch;
          return <p data-testid="room">{`${status}|${reset ? `reset@${reset.offset}` : ''}|${payloads(messages).join(',')}`}</p>;
        }
        const view = render(<Room />, { wrapper: Wrapper });
        await waitFor(() => expect(view.getByTestId('room').textContent).toBe('subscribed||'));
        await (await publisher(gw.http(''))).publish('room:pub-reset', 'before');
        await waitFor(() => expect(view.getByTestId('room').textContent).toBe('subscribed||before'));

        proxy.blackhole();
        proxy.retarget(second.port);
        await (await publisher(second.http(''))).publish('room:pub-reset', 'after');
        proxy.cut();
        await waitFor(() => expect(view.getByTestId('room').textContent).toBe('subscribed|reset@0|before,after'));
        expect(resets).toHaveLength(1);
        expect(resets[0].epoch).not.toBe(epoch);
        view.unmount();
      } finally {
        await proxy.close();
      }
    });
  });

  it('reports a refused or invalid channel as failed with a typed error, and keeps the connection', async () => {
    const { Wrapper } = provider(gw.http(''), 'refused-reader');
    function Room({ channel }: { channel: string }) {
      const { status, error } = useChannel(channel);
      return <p data-testid={channel}>{`${status}|${error?.code ?? ''}|${error?.recoverable ?? ''}`}</p>;
    }
    function Status() {
      return <p data-testid="connection">{useWebSocket().status}</p>;
    }
    const view = render(
      <>
        <Room channel="secret:plans" />
        <Room channel="room:has space" />
        <Status />
      </>,
      { wrapper: Wrapper },
    );
    await waitFor(() => expect(view.getByTestId('secret:plans').textContent).toBe('failed|FORBIDDEN|false'));
    await waitFor(() => expect(view.getByTestId('room:has space').textContent).toMatch(/^failed\|[A-Z_]+\|false$/));
    expect(view.getByTestId('connection').textContent).toBe('open');
    view.unmount();
  });

  it('useMessage calls its handler for pushed messages of its type only', async () => {
    const { log, Wrapper } = provider(gw.http(''), 'pushed');
    const notices: unknown[] = [];
    function Notices() {
      useMessage<{ type: 'notice'; text: string }>('notice', (message) => notices.push(message.text));
      return <p data-testid="status">{useWebSocket().status}</p>;
    }
    const view = render(<Notices />, { wrapper: Wrapper });
    await waitFor(() => expect(log.frames.some((f) => f.frame.type === 'ack' && f.frame.payload?.channel === 'user:pushed')).toBe(true));
    for (const payload of [{ type: 'other', text: 'ignored' }, { type: 'notice', text: 'first' }, 'not an object', { type: 'notice', text: 'second' }]) {
      const response = await fetch(gw.http('/api/publish'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({ channel: 'user:pushed', payload }),
      });
      expect(response.status).toBe(200);
    }
    await waitFor(() => expect(notices).toEqual(['first', 'second']));
    view.unmount();
  });
});
