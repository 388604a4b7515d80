// The floor the gateway is compared against: a bare `ws` server with the same HTTP and
// WebSocket surface the benchmark touches (token, ticket, /ws, ping→pong) and no logic
// behind it, so the difference in the figures is what the gateway's work costs.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const SUBPROTOCOL = 'switchboard.v1';
const HOST = '127.0.0.1';

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const server = createServer((req, res) => {
  // Drain the body before answering so keep-alive connections stay usable.
  req.resume();
  req.on('end', () => {
    const path = req.url.split('?')[0];
    if (req.method === 'POST' && path === '/dev/token') return json(res, 201, { token: 'bare', expiresAt: Date.now() + 3_600_000 });
    if (req.method === 'POST' && path === '/ws/ticket') {
      // Same cost shape as a real ticket (random bytes, one JSON answer), but nothing is checked or stored.
      const ticket = randomBytes(32).toString('base64url');
      return json(res, 201, { ticket, expiresAt: Date.now() + 30_000, url: `ws://${req.headers.host}/ws?ticket=${ticket}` });
    }
    if (req.method === 'GET' && path === '/ready') return json(res, 200, { status: 'ready' });
    json(res, 404, { error: { code: 'NOT_FOUND', message: path } });
  });
});

const wss = new WebSocketServer({
  server,
  path: '/ws',
  perMessageDeflate: false,
  handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
});

wss.on('connection', (ws) => {
  // The client counts a handshake as done at the first frame, as it does for the gateway's `welcome`.
  ws.send(JSON.stringify({ type: 'welcome', ts: Date.now() }));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let frame;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (frame?.type === 'ping') ws.send(JSON.stringify({ type: 'pong', id: frame.id, ts: Date.now() }));
  });
});

server.listen(Number(process.env.PORT ?? 0), HOST, () => {
  process.stdout.write(`${JSON.stringify({ msg: 'bare listening', port: server.address().port })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
