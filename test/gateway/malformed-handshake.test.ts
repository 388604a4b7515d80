import { once } from 'node:events';
import { connect as tcpConnect } from 'node:net';
import { useGateway } from '../support/gateway-resource.js';
import { rawHttp } from '../support/raw-socket.js';
import { connect } from '../support/test-socket.js';
import { SECRET_ENV, issueTicket, signToken } from '../support/tokens.js';

const upgrade = (path: string, headers: Record<string, string>, method = 'GET') =>
  [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');

const valid = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };

describe('malformed and abandoned handshakes', () => {
  const gw = useGateway({ ...SECRET_ENV, MAX_CONNECTIONS_PER_USER: '1' });

  it.each([
    ['no Sec-WebSocket-Key', { ...valid, 'Sec-WebSocket-Key': '' }],
    ['a malformed Sec-WebSocket-Key', { ...valid, 'Sec-WebSocket-Key': 'short' }],
    ['an unsupported Sec-WebSocket-Version', { ...valid, 'Sec-WebSocket-Version': '7' }],
    ['an Upgrade header for another protocol', { ...valid, Upgrade: 'h2c' }],
  ])('answers %s with 400 and the JSON body, without spending the ticket', async (_name, headers) => {
    const { ticket, url } = await issueTicket(gw, await signToken('malformed'));
    const answer = await rawHttp(gw.port, upgrade(`/ws?ticket=${ticket}`, headers));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    const { client } = await connect(url);
    await client.close();
  });

  it('frees the slot of a client that hangs up right after sending its handshake', async () => {
    const { ticket } = await issueTicket(gw, await signToken('quitter'));
    const socket = tcpConnect(gw.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(upgrade(`/ws?ticket=${ticket}`, valid), () => socket.destroy());
    // Depending on who is faster the gateway sees the hang-up before or after the upgrade.
    await gw.waitForLog(
      (l) => l.userId === 'quitter' && (l.msg === 'handshake abandoned before the upgrade' || l.msg === 'connection closed'),
    );
    const { client } = await connect((await issueTicket(gw, await signToken('quitter'))).url);
    await client.close();
  });
});
