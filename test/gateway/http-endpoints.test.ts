import { useGateway, withGateway } from '../support/gateway-resource.js';
import { connect, refusedHandshake } from '../support/test-socket.js';
import { SECRET_ENV, ticketUrl } from '../support/tokens.js';

describe('HTTP endpoints (protocol §2, §8)', () => {
  const gw = useGateway({ ...SECRET_ENV, ALLOWED_ORIGINS: 'https://app.example.com', MAX_CONNECTIONS_PER_USER: '3' });

  it('serves the discovery document built from the request, cacheable for 60 s', async () => {
    const response = await fetch(gw.http('/ws/config'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('max-age=60');
    expect(await response.json()).toEqual({
      protocol: 1,
      websocket: { url: `ws://127.0.0.1:${gw.port}/ws`, subprotocol: 'switchboard.v1' },
      auth: { ticketUrl: `http://127.0.0.1:${gw.port}/ws/ticket`, methods: ['ticket', 'header'] },
      limits: {
        maxConnectionsPerUser: 3,
        rateLimit: { messages: 60, intervalMs: 10_000, burst: 60 },
        maxMessageBytes: 65_536,
        heartbeatMs: 25_000,
      },
      features: { channels: true, history: true, recovery: true },
    });
  });

  it('answers CORS on /ws/config for allowed origins only', async () => {
    const allowed = await fetch(gw.http('/ws/config'), { headers: { origin: 'https://app.example.com' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await fetch(gw.http('/ws/config'), { headers: { origin: 'https://evil.example.com' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('builds absolute URLs from PUBLIC_URL when set', async () => {
    await withGateway({ ...SECRET_ENV, PUBLIC_URL: 'https://gw.example.com/' }, async (behindProxy) => {
      const document = await (await fetch(behindProxy.http('/ws/config'))).json();
      expect(document.websocket.url).toBe('wss://gw.example.com/ws');
      expect(document.auth.ticketUrl).toBe('https://gw.example.com/ws/ticket');
    });
  });

  it('answers /health and /ready', async () => {
    const health = await fetch(gw.http('/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(gw.http('/ready'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', engine: 'memory' });
  });

  it('answers unknown routes with the JSON error body', async () => {
    const response = await fetch(gw.http('/nope'));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('exposes Prometheus metrics that count what happened', async () => {
    const { client } = await connect(await ticketUrl(gw, 'metered'));
    await client.request({ type: 'ping', id: '1' });
    await client.request({ type: 'chat.send', id: '2', payload: null });
    client.send('not json');
    await client.next();
    expect((await refusedHandshake(gw.ws())).status).toBe(401);
    const scrape = await fetch(gw.http('/metrics'));
    expect(scrape.headers.get('content-type')).toContain('text/plain');
    const text = await scrape.text();
    expect(text).toContain('switchboard_connections_active 1');
    expect(text).toContain('switchboard_connections_total{outcome="accepted"}');
    expect(text).toMatch(/switchboard_frames_in_total\{type="ping"\} [1-9]/);
    expect(text).toMatch(/switchboard_frames_in_total\{type="application"\} [1-9]/);
    expect(text).toMatch(/switchboard_frames_in_total\{type="invalid"\} [1-9]/);
    expect(text).toMatch(/switchboard_frames_out_total\{type="welcome"\} [1-9]/);
    expect(text).toMatch(/switchboard_errors_total\{code="UNKNOWN_TYPE"\} [1-9]/);
    expect(text).toMatch(/switchboard_errors_total\{code="INVALID_JSON"\} [1-9]/);
    expect(text).toMatch(/switchboard_handshake_rejections_total\{code="UNAUTHORIZED"\} [1-9]/);
    expect(text).toMatch(/switchboard_connections_total\{outcome="rejected"\} [1-9]/);
    expect(text).toContain('switchboard_rate_limited_frames_total');
    expect(text).toContain('process_resident_memory_bytes');
    await client.close();
  });
});
