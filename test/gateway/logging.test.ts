import { withGateway } from '../support/gateway-resource.js';
import { connect, refusedHandshake } from '../support/test-socket.js';
import { TEST_SECRET, issueTicket, signToken } from '../support/tokens.js';

describe('logs', () => {
  it('are JSON lines with connectionId and userId, and never contain a token, a ticket or the secret', async () => {
    await withGateway({ JWT_SECRET: TEST_SECRET, AUTH_QUERY_TOKEN: 'true', LOG_LEVEL: 'trace' }, async (gw) => {
      const secrets: string[] = [TEST_SECRET];
      const remember = <T extends string>(value: T) => (secrets.push(value), value);

      const ticketToken = remember(await signToken('log-user'));
      const issued = await issueTicket(gw, ticketToken);
      remember(issued.ticket);
      const viaTicket = await connect(issued.url);
      expect((await refusedHandshake(issued.url)).status).toBe(401);

      const headerToken = remember(await signToken('log-user'));
      const viaHeader = await connect(gw.ws(), { headers: { authorization: `Bearer ${headerToken}` } });
      const queryToken = remember(await signToken('log-user'));
      const viaQuery = await connect(gw.ws(`/ws?access_token=${queryToken}`));

      const refreshToken = remember(await signToken('log-user', {}, 900));
      expect((await viaQuery.client.request({ type: 'auth', id: 'a', payload: { token: refreshToken } })).type).toBe('ack');
      const foreignToken = remember(await signToken('someone-else'));
      expect((await viaQuery.client.request({ type: 'auth', id: 'b', payload: { token: foreignToken } })).type).toBe('error');

      const expiredToken = remember(await signToken('log-user', {}, -60));
      expect((await refusedHandshake(gw.ws(`/ws?access_token=${expiredToken}`))).status).toBe(401);
      expect((await refusedHandshake(gw.ws(), { headers: { authorization: `Bearer ${expiredToken}` } })).status).toBe(401);
      const unknownTicket = remember('unknown-ticket-value-0123456789');
      expect((await refusedHandshake(gw.ws(`/ws?ticket=${unknownTicket}`))).status).toBe(401);
      const badTicketRequest = await fetch(gw.http('/ws/ticket'), { method: 'POST', headers: { authorization: `Bearer ${expiredToken}` } });
      expect(badTicketRequest.status).toBe(401);

      await Promise.all([viaTicket.client.close(), viaHeader.client.close(), viaQuery.client.close()]);
      await gw.waitForLog((l) => l.msg === 'connection closed' && l.connectionId === viaQuery.welcome.payload.connectionId);
      expect(await gw.stop()).toBe(0);

      const output = gw.output();
      for (const secret of secrets) expect(output).not.toContain(secret);
      const opened = gw.logs().filter((l) => l.msg === 'connection opened');
      expect(opened).toHaveLength(3);
      for (const line of opened) {
        expect(line).toMatchObject({ userId: 'log-user', connectionId: expect.any(String), level: 30 });
      }
      const ticketRequests = gw.logs().filter((l) => (l.req as { url?: string } | undefined)?.url === '/ws/ticket');
      expect(ticketRequests.length).toBeGreaterThan(0);
    });
  });
});
