// Subscription churn on the built gateway: one connection subscribes and unsubscribes in a loop
// over a set of channel names, in rounds. After each round the gateway's RSS and V8 heap (both
// after a forced GC) and its channel/subscription gauges are read; what a round leaves behind
// shows as growth from round to round. Linux only: it reads /proc.
// Usage: node bench/churn-bench.mjs [--cycles 10000] [--rounds 3] [--channels 100] [--timeout-s 300]
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import {
  SUBPROTOCOL,
  failer,
  integerOptions,
  guardRun,
  inspectorCall,
  jwtGatewayEnv,
  metricSamples,
  settledRss,
  stopServer,
  startGatewayWithRetries,
} from './lib/server.mjs';
import { fmt, signHs256 } from './lib/util.mjs';

const NAME = 'churn-bench';
const ROUND_TIMEOUT_MS = 120_000;

const { values: args } = parseArgs({
  options: {
    cycles: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    channels: { type: 'string', default: '100' },
    'timeout-s': { type: 'string', default: '300' },
  },
});
const fail = failer(NAME);
const integer = integerOptions(args, fail);
const CYCLES = integer('cycles');
const ROUNDS = integer('rounds');
const CHANNELS = integer('channels');
const TIMEOUT_S = integer('timeout-s');

const deadline = guardRun(NAME, TIMEOUT_S);
const log = (line) => process.stdout.write(`[churn] ${line}\n`);
// Every frame but ping costs a rate-limit token: 2 per cycle, all from one user.
const env = jwtGatewayEnv({ MAX_CONNECTIONS_PER_USER: '5' });
const gateway = await startGatewayWithRetries(env, NAME);
log(`gateway pid ${gateway.pid}, port ${gateway.port}; ${CYCLES} subscribe/unsubscribe cycles per round over ${CHANNELS} channels`);

const readings = [];
let ok = false;
let conn;
try {
  conn = await connect();
  readings.push(await measure());
  log(`before: ${describe(readings[0])}`);
  for (let round = 1; round <= ROUNDS; round++) {
    const { seconds, errors } = await churn(round);
    const reading = await measure();
    readings.push(reading);
    log(
      `round ${round}: ${CYCLES} cycles (${2 * CYCLES} frames pipelined) acked in ${fmt(seconds)} s (${fmt(CYCLES / seconds, 0)} cycles/s)` +
        `${errors.size ? `, errors: ${[...errors].map(([code, n]) => `${n}x ${code}`).join(', ')}` : ''}; ${describe(reading)}`,
    );
    if (errors.size) throw new Error(`round ${round}: the gateway answered with errors`);
  }
  const final = readings.at(-1);
  ok = final.channels === 0 && final.subscriptions === 0 && conn.ws.readyState === WebSocket.OPEN;
} catch (error) {
  process.stderr.write(`[churn] ${error.stack}\n--- last output of the gateway ---\n${gateway.output()}\n`);
} finally {
  conn?.ws.terminate();
  await stopServer(gateway.child);
}
clearTimeout(deadline);
report();
process.exit(ok ? 0 : 1);


/** One connection (Bearer JWT on the handshake); answers are matched to requests by id. */
async function connect() {
  const token = signHs256(env.JWT_SECRET, { sub: 'churner', exp: Math.floor(Date.now() / 1000) + 3600, channels: ['bench:*'], publish: ['bench:*'] });
  const ws = new WebSocket(gateway.wsUrl, SUBPROTOCOL, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
  const waiting = new Map();
  let closed;
  await new Promise((resolve, reject) => {
    ws.once('message', (data) => (JSON.parse(data.toString()).type === 'welcome' ? resolve() : reject(new Error('first frame is not welcome'))));
    ws.once('error', reject);
  });
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    const answer = waiting.get(frame.id);
    if (!answer) return;
    waiting.delete(frame.id);
    answer(frame);
  });
  ws.on('error', () => {});
  ws.on('close', (code, reason) => {
    closed = `${code} ${reason.toString()}`.trim();
    for (const answer of waiting.values()) answer({ type: 'closed' });
    waiting.clear();
  });
  return {
    ws,
    closed: () => closed,
    /** Sends now, resolves with the answer frame. */
    request(frame) {
      return new Promise((resolve) => {
        if (closed) return resolve({ type: 'closed' });
        waiting.set(frame.id, resolve);
        ws.send(JSON.stringify(frame));
      });
    },
  };
}

/** All cycles sent back to back (subscribe, then unsubscribe, of channel i % CHANNELS), then every answer awaited. */
async function churn(round) {
  const start = performance.now();
  const answers = [];
  for (let i = 0; i < CYCLES; i++) {
    const channel = `bench:churn-${i % CHANNELS}`;
    answers.push(conn.request({ type: 'subscribe', id: `r${round}s${i}`, channel }));
    answers.push(conn.request({ type: 'unsubscribe', id: `r${round}u${i}`, channel }));
  }
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`round ${round}: not every frame answered within ${ROUND_TIMEOUT_MS / 1000} s`)), ROUND_TIMEOUT_MS);
  });
  const frames = await Promise.race([Promise.all(answers), timeout]).finally(() => clearTimeout(timer));
  const seconds = (performance.now() - start) / 1000;
  if (conn.closed()) throw new Error(`round ${round}: the gateway closed the connection (${conn.closed()})`);
  const errors = new Map();
  for (const frame of frames) {
    if (frame.type === 'ack') continue;
    const code = frame.type === 'error' ? frame.payload?.code : frame.type;
    errors.set(code, (errors.get(code) ?? 0) + 1);
  }
  return { seconds, errors };
}

/** RSS and heap after a forced GC, and the gauges. */
async function measure() {
  const rss = await settledRss(gateway.pid, gateway.inspector());
  const heap = await inspectorCall(gateway.inspector(), 'Runtime.getHeapUsage');
  const metrics = await fetch(`${gateway.base}/metrics`).then((r) => r.text());
  const gauge = (name) => metricSamples(metrics, name).get('') ?? NaN;
  return {
    rssMiB: rss / 1024,
    heapMiB: heap.usedSize / 2 ** 20,
    channels: gauge('switchboard_channels'),
    subscriptions: gauge('switchboard_subscriptions'),
    connections: gauge('switchboard_connections_active'),
  };
}

function describe(r) {
  return `RSS ${fmt(r.rssMiB, 1)} MiB, heap used ${fmt(r.heapMiB, 2)} MiB, channels=${r.channels} subscriptions=${r.subscriptions} connections=${r.connections}`;
}

function report() {
  if (readings.length === 0) return;
  const final = readings.at(-1);
  const series = (key, digits) => readings.map((r) => fmt(r[key], digits)).join(' -> ');
  process.stdout.write(
    `\nchurn  cycles=${CYCLES} rounds=${readings.length - 1} rss MiB: ${series('rssMiB', 1)}  channels=${final.channels} subscriptions=${final.subscriptions}\n` +
      `churn  heap used MiB: ${series('heapMiB', 2)}\n` +
      `One connection; a cycle = subscribe + unsubscribe of one of ${CHANNELS} channels, all pipelined, then every ack awaited.\n` +
      'Readings after a forced GC in the gateway: before the first round, then after each round. A leak grows every round;\n' +
      'round 1 also holds one-off growth (compiled code, lazily built structures).\n',
  );
}
