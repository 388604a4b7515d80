import type { ChannelMessage } from '@switchboard/client';
import { startGateway, type RunningGateway } from '../support/gateway-process.js';
import { disposeGateway, withGateway } from '../support/gateway-resource.js';
import { closeClients, FrameLog, reach, sdkClient } from '../support/sdk.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { SECRET_ENV } from '../support/tokens.js';

const claims = { channels: ['room:*'], publish: ['room:*'] };

describe('client across a gateway restart', () => {
  afterEach(closeClients);

  it('waits the afterMs of the drain, reconnects to the new gateway, flushes its queue in order and resets its channels', async () => {
    const first = await startGateway({ ...SECRET_ENV, DRAIN_SPREAD_MS: '1500' });
    const proxy = await TcpProxy.start(first.port);
    let second: RunningGateway | undefined;
    try {
      const log = new FrameLog();
      const ticketRequests: number[] = [];
      const client = sdkClient(proxy.url, 'restarted', claims, {
        WebSocket: log.WebSocket,
        fetch: (input, init) => {
          if (String(input).endsWith('/ws/ticket')) ticketRequests.push(Date.now());
          return fetch(input, init);
        },
      });
      const messages: ChannelMessage[] = [];
      const resets: Array<{ epoch: string; offset: number }> = [];
      const subscription = client.subscribe('room:restart', (m) => messages.push(m));
      subscription.on('reset', (r) => resets.push(r));
      await reach(client, 'open');
      await client.publish('room:restart', 'before');

      second = await startGateway({ ...SECRET_ENV });
      proxy.retarget(second.port);
      const dropped = reach(client, 'reconnecting');
      const stopped = first.stop();
      await dropped;
      const queued = ['q1', 'q2', 'q3'].map((payload) => client.publish('room:restart', payload));
      expect(await stopped).toBe(0);

      const results = await Promise.all(queued);
      expect(results.map((r) => r.offset)).toEqual([1, 2, 3]);
      const reconnect = log.frames.find((f) => f.frame.type === 'reconnect')!;
      expect(reconnect.frame.payload.afterMs).toBeLessThanOrEqual(1500);
      const close = log.closes.find((c) => c.code === 1012)!;
      const nextTicket = ticketRequests.find((at) => at >= close.at)!;
      expect(nextTicket - close.at).toBeGreaterThanOrEqual(reconnect.frame.payload.afterMs - 5);

      while (messages.length < 4) await new Promise<void>((resolve) => subscription.on('message', () => resolve()));
      expect(messages.map((m) => m.payload)).toEqual(['before', 'q1', 'q2', 'q3']);
      expect(resets).toHaveLength(1);
      expect(resets[0].epoch).not.toBe(messages[0].epoch);
      expect(client.state).toBe('open');
    } finally {
      closeClients();
      await proxy.close();
      await disposeGateway(first);
      if (second) await disposeGateway(second);
    }
  });

  it('stops for good when a newer connection of its user evicts it (4008)', async () => {
    await withGateway({ ...SECRET_ENV, MAX_CONNECTIONS_PER_USER: '1', CONNECTION_POLICY: 'evict-oldest' }, async (gw) => {
      try {
        const older = sdkClient(gw.http(''), 'single', claims);
        await reach(older, 'open');
        const failed = new Promise((resolve) => older.on('state', (change) => change.state === 'failed' && resolve(change.reason)));
        const newer = sdkClient(gw.http(''), 'single', claims);
        await reach(newer, 'open');
        expect(await failed).toBe('evicted');
        expect(newer.state).toBe('open');
      } finally {
        closeClients();
      }
    });
  });
});
