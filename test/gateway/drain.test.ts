import { once } from 'node:events';
import { withGateway } from '../support/gateway-resource.js';
import { rawUpgrade } from '../support/raw-socket.js';
import { connect, refusedHandshake } from '../support/test-socket.js';
import { SECRET_ENV, signToken, ticketUrl } from '../support/tokens.js';

describe('drain on SIGTERM (protocol §7)', () => {
  it('sends reconnect with a jittered afterMs, closes 1012, refuses new work, and exits 0', async () => {
    await withGateway({ ...SECRET_ENV, DRAIN_SPREAD_MS: '4000', DRAIN_TIMEOUT_MS: '20000' }, async (gw) => {
      const clients = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => (await connect(await ticketUrl(gw, `drain-${i}`))).client),
      );
      // One client delays its close reply, so the drain is observable while it is under way.
      clients[0].socket.pause();
      const token = await signToken('late-comer');
      const exit = once(gw.child, 'close');
      gw.child.kill('SIGTERM');
      await gw.waitForLog((l) => l.msg === 'draining');

      const ready = await fetch(gw.http('/ready'));
      expect(ready.status).toBe(503);
      expect((await ready.json()).error.code).toBe('UNAVAILABLE');
      const refusal = await refusedHandshake(gw.ws(), { headers: { authorization: `Bearer ${token}` } });
      expect(refusal.status).toBe(503);
      expect(refusal.body.error.code).toBe('UNAVAILABLE');
      expect(Number(refusal.headers['retry-after'])).toBeGreaterThan(0);

      for (const client of clients.slice(1)) {
        const reconnect = await client.nextOfType('reconnect');
        expect(reconnect.payload.afterMs).toBeGreaterThanOrEqual(0);
        expect(reconnect.payload.afterMs).toBeLessThanOrEqual(4000);
        expect(typeof reconnect.payload.reason).toBe('string');
        expect(await client.closed).toEqual({ code: 1012, reason: 'service restart' });
      }
      const delays = new Set(clients.slice(1).map((c) => c.frames.find((f) => f.type === 'reconnect')!.payload.afterMs));
      expect(delays.size).toBeGreaterThan(1);
      clients[0].socket.resume();
      expect((await clients[0].closed).code).toBe(1012);
      const [code] = await exit;
      expect(code).toBe(0);
    });
  });

  it('terminates clients that never finish closing once DRAIN_TIMEOUT_MS passes, and exits 0', async () => {
    await withGateway({ ...SECRET_ENV, DRAIN_TIMEOUT_MS: '500' }, async (gw) => {
      const { socket } = await rawUpgrade(await ticketUrl(gw, 'stubborn'));
      socket.pause();
      const code = await gw.stop('SIGTERM');
      expect(code).toBe(0);
      expect(gw.logs().some((l) => l.msg === 'drain timed out; terminating the rest')).toBe(true);
      socket.destroy();
    });
  });

  it('drains the same way on SIGINT', async () => {
    await withGateway({ ...SECRET_ENV }, async (gw) => {
      const { client } = await connect(await ticketUrl(gw, 'interrupted'));
      const code = gw.stop('SIGINT');
      expect((await client.nextOfType('reconnect')).type).toBe('reconnect');
      expect((await client.closed).code).toBe(1012);
      expect(await code).toBe(0);
    });
  });
});
