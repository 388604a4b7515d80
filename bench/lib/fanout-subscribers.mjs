// One process of fan-out subscribers, forked by bench/fanout-bench.mjs with an IPC channel
// (serialization 'advanced', so latency arrays travel as typed arrays). It opens its share of the
// subscribers, each its own user with a Bearer JWT on the handshake, subscribes them to one
// channel, and for each phase checks that every subscriber gets every offset exactly once, in
// order, and records the publish→delivery latency of each delivery. Exits with its parent.
import WebSocket from 'ws';
import { SUBPROTOCOL } from './server.mjs';
import { pool, signHs256, wallMs } from './util.mjs';

const HANDSHAKE_TIMEOUT_MS = 10_000;

/** @type {Array<{ws: WebSocket, user: string, epoch?: string, ackOffset?: number, last: number, seen: Uint8Array, got: number, done: boolean, closed?: string}>} */
let subs = [];
let phase = null;
const closes = new Map();

process.on('disconnect', () => process.exit(0));
process.on('message', async (message) => {
  try {
    const reply = await handle(message);
    process.send({ reqId: message.reqId, ...reply });
  } catch (error) {
    process.send({ reqId: message.reqId, error: error.stack ?? String(error) });
  }
});

async function handle(message) {
  switch (message.cmd) {
    case 'open':
      return open(message);
    case 'phase':
      return startPhase(message);
    case 'status':
      return status();
    case 'report':
      return report();
    case 'close':
      for (const s of subs) s.ws.terminate();
      setImmediate(() => process.exit(0));
      return {};
    default:
      throw new Error(`unknown command ${message.cmd}`);
  }
}

async function open({ wsUrl, secret, channel, from, count, concurrency, ttlSeconds }) {
  const failures = new Map();
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const opened = [];
  const start = performance.now();
  await pool(count, concurrency, async (i) => {
    const user = `sub-${from + i}`;
    const token = signHs256(secret, { sub: user, exp, channels: ['bench:*'], publish: ['bench:*'] });
    try {
      opened.push(await subscribe(wsUrl, token, user, channel));
    } catch (error) {
      failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
    }
  });
  subs = opened;
  const offsets = subs.map((s) => s.ackOffset);
  return {
    opened: subs.length,
    seconds: (performance.now() - start) / 1000,
    failures: [...failures],
    epochs: [...new Set(subs.map((s) => s.epoch))],
    ackOffsetMin: Math.min(...offsets),
    ackOffsetMax: Math.max(...offsets),
  };
}

/** Handshake with `Authorization: Bearer`, `welcome`, then `subscribe` and its ack. */
function subscribe(wsUrl, token, user, channel) {
  const ws = new WebSocket(wsUrl, SUBPROTOCOL, {
    headers: { authorization: `Bearer ${token}` },
    perMessageDeflate: false,
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  });
  const sub = { ws, user, last: 0, seen: null, got: 0, done: false };
  return new Promise((resolve, reject) => {
    let state = 'welcome';
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no ${state} within ${HANDSHAKE_TIMEOUT_MS} ms`));
    }, HANDSHAKE_TIMEOUT_MS);
    ws.on('message', (data) => {
      if (state === 'live') return onMessage(sub, data);
      const frame = JSON.parse(data.toString());
      if (state === 'welcome') {
        if (frame.type !== 'welcome') return fail(`first frame is ${frame.type}, not welcome`);
        state = 'ack';
        ws.send(JSON.stringify({ type: 'subscribe', id: 's1', channel }));
      } else if (frame.type === 'ack' && frame.id === 's1') {
        sub.epoch = frame.payload.epoch;
        sub.ackOffset = frame.payload.offset;
        sub.last = frame.payload.offset;
        state = 'live';
        clearTimeout(timer);
        resolve(sub);
      } else {
        fail(`subscribe answered ${frame.type} ${frame.payload?.code ?? ''}`.trim());
      }
    });
    const fail = (message) => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(message));
    };
    // The listener also keeps a late socket error from crashing the process.
    ws.on('error', (error) => state !== 'live' && fail(error.message));
    ws.on('close', (code, reason) => {
      if (state !== 'live') return fail(`closed ${code} before the subscribe ack`);
      sub.closed = `${code} ${reason.toString()}`.trim();
      closes.set(sub.closed, (closes.get(sub.closed) ?? 0) + 1);
    });
  });
}

function startPhase({ name, first, last }) {
  const messages = last - first + 1;
  phase = {
    name,
    first,
    last,
    messages,
    latencies: new Float64Array(subs.length * messages),
    gatewayLatencies: new Float64Array(subs.length * messages),
    deliveries: 0,
    duplicates: 0,
    outOfOrder: 0,
    stray: 0,
    wrongEpoch: 0,
    firstRecv: Infinity,
    lastRecv: -Infinity,
  };
  for (const s of subs) {
    s.seen = new Uint8Array(messages);
    s.got = 0;
    s.done = false;
  }
  return { ready: true };
}

function onMessage(sub, data) {
  const now = wallMs();
  const frame = JSON.parse(data.toString());
  if (frame.type !== 'message') return;
  const p = phase;
  if (!p || frame.offset < p.first || frame.offset > p.last) {
    if (p) p.stray++;
    return;
  }
  if (frame.epoch !== sub.epoch) p.wrongEpoch++;
  const index = frame.offset - p.first;
  if (sub.seen[index]) {
    p.duplicates++;
    return;
  }
  sub.seen[index] = 1;
  if (frame.offset < sub.last) p.outOfOrder++;
  sub.last = Math.max(sub.last, frame.offset);
  p.latencies[p.deliveries] = now - frame.payload.sentAt;
  p.gatewayLatencies[p.deliveries] = now - frame.ts;
  p.deliveries++;
  if (now < p.firstRecv) p.firstRecv = now;
  if (now > p.lastRecv) p.lastRecv = now;
  if (++sub.got === p.messages) {
    sub.done = true;
  }
}

/** Done when every subscriber still open has every offset of the phase. */
function status() {
  const p = phase;
  const waiting = subs.filter((s) => !s.done && !s.closed).length;
  return { deliveries: p?.deliveries ?? 0, complete: waiting === 0 };
}

function report() {
  const p = phase;
  let lost = 0;
  let incomplete = 0;
  for (const s of subs) {
    const missing = p.messages - s.got;
    lost += missing;
    if (missing > 0) incomplete++;
  }
  return {
    deliveries: p.deliveries,
    lost,
    incomplete,
    duplicates: p.duplicates,
    outOfOrder: p.outOfOrder,
    stray: p.stray,
    wrongEpoch: p.wrongEpoch,
    firstRecv: p.firstRecv,
    lastRecv: p.lastRecv,
    latencies: p.latencies.subarray(0, p.deliveries).slice(),
    gatewayLatencies: p.gatewayLatencies.subarray(0, p.deliveries).slice(),
    open: subs.filter((s) => !s.closed).length,
    closes: [...closes],
  };
}
