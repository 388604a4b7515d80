import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often a starting service is asked again; starts take a second or two. */
const POLL_MS = 100;

/**
 * Resolves once `probe` resolves true; rejects after `timeoutMs` naming `what`, or as soon
 * as `failed` rejects (a child died while we waited for it).
 * @param {string} what
 * @param {() => Promise<boolean>} probe
 * @param {{ timeoutMs: number, failed: Promise<never> }} options
 */
export async function waitUntil(what, probe, { timeoutMs, failed }) {
  const deadline = Date.now() + timeoutMs;
  let gaveUp = false;
  failed.catch(() => (gaveUp = true));
  const attempt = async () => {
    while (!gaveUp && Date.now() < deadline) {
      if (await probe().catch(() => false)) return;
      await sleep(POLL_MS);
    }
    throw new Error(`${what} did not come up within ${timeoutMs} ms`);
  };
  await Promise.race([attempt(), failed]);
}

/** True when `url` answers with `status`. */
export async function answers(url, status = 200) {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.status === status;
}

/** True when a Redis at host:port answers PING (RESP inline command, no client library). */
export function redisAnswers(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
