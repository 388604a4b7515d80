// An example Switchboard backend: Node 20+, no dependencies.
//
//   BACKEND_SECRET=<same as the gateway's> GATEWAY_URL=http://localhost:8080 API_KEY=<gateway's API_KEY> \
//     node examples/backend-node/server.mjs
//
// then start the gateway with BACKEND_URL=http://localhost:3000/messages. See docs/backends.md.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** Header in which the gateway sends `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = 'x-switchboard-signature';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Whether `header` is the gateway's signature of `rawBody`. Check it over the raw bytes,
 * before parsing: re-serialized JSON would not match. Constant-time comparison.
 */
export function verifySignature(rawBody, header, secret) {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Publishes to a channel through the gateway's server API; resolves `{offset, epoch}`. */
export async function publish({ gatewayUrl, apiKey }, channel, payload, idempotencyKey) {
  const response = await fetch(`${gatewayUrl.replace(/\/+$/, '')}/api/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel, payload, idempotencyKey }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`publish to ${channel} failed: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** A refusal the gateway passes on to the client as an `error` frame with this code. */
class Refusal extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * One handler per application message type. Each gets the gateway's request
 * `{type, id, payload, user:{id, claims}, connectionId}` and returns the reply (the
 * client's `ack` payload) and, optionally, work to do once the answer is sent.
 */
const handlers = {
  'chat.send': (message) => {
    const text = message.payload?.text;
    if (typeof text !== 'string' || text.trim() === '') {
      throw new Refusal(422, 'INVALID_TEXT', 'payload.text must be a non-empty string');
    }
    const messageId = randomUUID();
    // A real app stores the message here. The sender's other tabs and devices learn of it
    // through the user's own channel; the idempotency key makes a retried publish harmless.
    const delivered = { type: 'chat.message', messageId, text, from: message.user.id, sentAt: Date.now() };
    return {
      reply: { accepted: true, messageId },
      after: (options) =>
        publish(options, `user:${message.user.id}`, delivered, `${message.connectionId}:${message.id}`),
    };
  },
};

/**
 * Starts the example backend; `port: 0` picks a free one.
 * @returns its `url` (the value for the gateway's BACKEND_URL), `port` and `close()`.
 */
export async function startExampleBackend({ port = 0, host = '127.0.0.1', secret, gatewayUrl, apiKey, log = console }) {
  if (!secret) throw new Error('secret is required: the gateway\'s BACKEND_SECRET');
  const server = createServer((req, res) => {
    handle(req, res, { secret, gatewayUrl, apiKey, log }).catch((error) => {
      log.error('request failed', error);
      if (!res.headersSent) answer(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const bound = server.address().port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/messages`,
    port: bound,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(req, res, { secret, gatewayUrl, apiKey, log }) {
  if (req.method !== 'POST' || new URL(req.url, 'http://x').pathname !== '/messages') {
    return answer(res, 404, { error: { code: 'NOT_FOUND', message: 'POST /messages' } });
  }
  const raw = await readBody(req);
  if (raw === undefined) return answer(res, 413, { error: { code: 'MESSAGE_TOO_LARGE', message: 'body too large' } });
  if (!verifySignature(raw, req.headers[SIGNATURE_HEADER], secret)) {
    return answer(res, 401, { error: { code: 'UNAUTHORIZED', message: 'bad signature' } });
  }
  const message = JSON.parse(raw.toString('utf8'));
  const handler = handlers[message.type];
  if (!handler) {
    return answer(res, 400, { error: { code: 'UNKNOWN_TYPE', message: `no handler for ${message.type}` } });
  }
  let result;
  try {
    result = await handler(message);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return answer(res, error.status, { error: { code: error.code, message: error.message } });
  }
  answer(res, 200, result.reply);
  if (result.after && gatewayUrl && apiKey) {
    result.after({ gatewayUrl, apiKey }).catch((error) => log.error(error.message));
  }
}

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The raw body, or undefined past MAX_BODY_BYTES. */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { PORT = '3000', HOST = '127.0.0.1', BACKEND_SECRET, GATEWAY_URL, API_KEY } = process.env;
  if (!BACKEND_SECRET) {
    console.error('set BACKEND_SECRET to the value the gateway has');
    process.exit(1);
  }
  if (!GATEWAY_URL || !API_KEY) console.warn('GATEWAY_URL or API_KEY unset: answering only, not publishing');
  const backend = await startExampleBackend({
    port: Number(PORT),
    host: HOST,
    secret: BACKEND_SECRET,
    gatewayUrl: GATEWAY_URL,
    apiKey: API_KEY,
  });
  console.log(`example backend on ${backend.url}: start the gateway with BACKEND_URL=${backend.url}`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => backend.close().then(() => process.exit(0)));
}
