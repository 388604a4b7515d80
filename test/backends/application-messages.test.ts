import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startExampleBackend } from '../../examples/backend-node/server.mjs';
import { freePort } from '../support/free-port.js';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { connect, type TestSocket } from '../support/test-socket.js';
import { SECRET_ENV, ticketUrl } from '../support/tokens.js';

const SCHEMAS = fileURLToPath(new URL('../../examples/messages/schemas', import.meta.url));
const BACKEND_SECRET = 'backend-secret-0123456789abcdef0123456789';
const API_KEY = 'api-key-0123456789abcdef0123456789abcdef';


describe('application messages through the example backend', () => {
  let port: number;
  let backend: { close(): Promise<void> };
  let client: TestSocket;

  beforeAll(async () => {
    port = await freePort();
  });
  // Above useGateway, so that the backend closes while the gateway still serves.
  afterAll(async () => {
    await backend?.close();
  });
  const gw = useGateway(() => ({
    ...SECRET_ENV,
    MESSAGE_SCHEMAS_DIR: SCHEMAS,
    BACKEND_URL: `http://127.0.0.1:${port}/messages`,
    BACKEND_SECRET,
    API_KEY,
  }));
  beforeAll(async () => {
    backend = await startExampleBackend({ port, secret: BACKEND_SECRET, gatewayUrl: gw.http(''), apiKey: API_KEY, log: { error: () => undefined } });
  });
  beforeEach(async () => {
    ({ client } = await connect(await ticketUrl(gw, 'chatter')));
  });
  afterEach(async () => {
    await client.close();
  });

  it('acks with the backend reply, and the backend reaches the user through the server API', async () => {
    await client.request({ type: 'subscribe', id: 's', channel: 'user:chatter' });
    const ack = await client.request({ type: 'chat.send', id: 'm1', payload: { text: 'hello' } });
    expect(ack).toEqual({ type: 'ack', id: 'm1', ts: expect.any(Number), payload: { accepted: true, messageId: expect.any(String) } });
    const message = await client.nextOfType('message');
    expect(message).toMatchObject({
      channel: 'user:chatter',
      payload: { type: 'chat.message', messageId: ack.payload.messageId, text: 'hello', from: 'chatter' },
    });
  });

  it('refuses a payload that fails its schema with the failing path in details', async () => {
    const answer = await client.request({
      type: 'chat.send',
      id: 'm2',
      payload: { text: 'hi', attachments: [{ name: 'a', url: 'https://example.com/a' }, { name: 'b', url: 'not a url' }] },
    });
    expect(answer).toMatchObject({ type: 'error', id: 'm2', payload: { code: 'INVALID_MESSAGE', recoverable: false } });
    expect(answer.payload.details.path).toBe('/attachments/1/url');
    expect(answer.payload.message).toContain('attachments/1/url');
  });

  it('passes the backend’s own error code through', async () => {
    const answer = await client.request({ type: 'chat.send', id: 'm3', payload: { text: '   ' } });
    expect(answer).toMatchObject({ type: 'error', id: 'm3', payload: { code: 'INVALID_TEXT', recoverable: false } });
  });

  it('answers UNKNOWN_TYPE for a type without a schema', async () => {
    const answer = await client.request({ type: 'chat.delete', id: 'm4', payload: {} });
    expect(answer).toMatchObject({ type: 'error', id: 'm4', payload: { code: 'UNKNOWN_TYPE' } });
  });

  it('counts backend requests by outcome', async () => {
    const text = await (await fetch(gw.http('/metrics'))).text();
    expect(text).toMatch(/switchboard_backend_requests_total\{outcome="ok"\} [1-9]/);
    expect(text).toMatch(/switchboard_backend_request_duration_seconds_count [1-9]/);
  });
});

describe('application messages without a backend', () => {
  it('answers BACKEND_UNAVAILABLE with how to configure one', async () => {
    await withGateway({ ...SECRET_ENV, MESSAGE_SCHEMAS_DIR: SCHEMAS }, async (gw) => {
      const { client } = await connect(await ticketUrl(gw, 'lonely'));
      const answer = await client.request({ type: 'chat.send', id: 'x', payload: { text: 'hello' } });
      expect(answer).toMatchObject({ type: 'error', id: 'x', payload: { code: 'BACKEND_UNAVAILABLE', recoverable: true } });
      expect(answer.payload.message).toContain('BACKEND_URL');
      await client.close();
    });
  });

  it('answers BACKEND_UNAVAILABLE when the backend refuses connections', async () => {
    const env = {
      ...SECRET_ENV,
      MESSAGE_SCHEMAS_DIR: SCHEMAS,
      BACKEND_URL: `http://127.0.0.1:${await freePort()}/messages`,
      BACKEND_SECRET,
    };
    await withGateway(env, async (gw) => {
      const { client } = await connect(await ticketUrl(gw, 'refused'));
      const answer = await client.request({ type: 'chat.send', id: 'x', payload: { text: 'hello' } });
      expect(answer).toMatchObject({ type: 'error', id: 'x', payload: { code: 'BACKEND_UNAVAILABLE' } });
      await client.close();
    });
  });

  it('refuses to start on a bad schema file, naming it', async () => {
    const { runGatewayProcess } = await import('../support/gateway-process.js');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/bad-schemas-`);
    writeFileSync(`${dir}/chat.bad.json`, '{"type":"strin"}');
    try {
      const { child, output } = runGatewayProcess({ ...SECRET_ENV, MESSAGE_SCHEMAS_DIR: dir });
      const [code] = await once(child, 'close');
      expect(code).toBe(1);
      expect(output()).toContain(`${dir}/chat.bad.json`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
