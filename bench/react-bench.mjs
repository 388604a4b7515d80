// The React bindings (@switchboard/react, libs/react/dist) against the built gateway, in a jsdom
// DOM in this process: one component with useChannel under a burst of N messages published through
// the server API (time, deliveries/s, exactly-once and order as onMessage sees them, renders per
// message, the buffer's final length, this process's heap), then M mount/unmount cycles of a
// useChannel component over 50 channels (the gateway's subscription gauge and the heap after).
// Prints numbers only: nothing here is a pass/fail check. Linux only: it reads /proc.
// Usage: node bench/react-bench.mjs [--n 5000] [--limit 200] [--timeout-s 300]
//
// react-dom decides whether it has a DOM when it is first evaluated, so the DOM must exist before:
// this import stays first.
import 'global-jsdom/register';
import { once } from 'node:events';
import { Session } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { cpuMs, failer, guardRun, integerOptions, jwtGatewayEnv, metricSamples, startGatewayWithRetries, stopServer } from './lib/server.mjs';
import { fmt, signHs256, wallMs } from './lib/util.mjs';

// React picks its build when first evaluated: measure the production one (what apps ship) unless
// NODE_ENV asks otherwise. Static imports would be evaluated before this line, hence import().
process.env.NODE_ENV ??= 'production';
const { createElement: h, useLayoutEffect, version: reactVersion } = await import('react');
const { createRoot } = await import('react-dom/client');
const { SwitchboardProvider, useChannel } = await import('@switchboard/react');

const NAME = 'react-bench';
const BURST_CHANNEL = 'bench:burst';
const INFLIGHT = 50;
const MOUNTS = 1000;
const CHURN_CHANNELS = 50;
const HEAP_READINGS = 4;
/** How long the bindings may show no progress (no commit, no onMessage) before a wait gives up. */
const IDLE_MS = 30_000;
const IDLE_CHECK_MS = 250;
/** Gauges are read by polling /metrics this often, until they settle or METRIC_DEADLINE_MS. */
const METRIC_POLL_MS = 20;
const METRIC_DEADLINE_MS = 10_000;

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: process.env.BENCH_N ?? '5000' },
    limit: { type: 'string', default: '200' },
    'timeout-s': { type: 'string', default: '300' },
  },
});
const fail = failer(NAME);
const integer = integerOptions(args, fail);
const N = integer('n');
const LIMIT = integer('limit');
const TIMEOUT_S = integer('timeout-s');

// Messages arrive as real socket events, not inside act(): React must schedule its renders itself.
globalThis.IS_REACT_ACT_ENVIRONMENT = false;
const deadline = guardRun(NAME, TIMEOUT_S);
const log = (line) => process.stdout.write(`[react] ${line}\n`);

const env = jwtGatewayEnv();
const gateway = await startGatewayWithRetries(env, NAME);
log(`gateway pid ${gateway.pid}, port ${gateway.port}; burst of ${N} messages on ${BURST_CHANNEL} (limit ${LIMIT}), then ${MOUNTS} mount/unmount cycles`);

// What the rendered components report. Every commit and every onMessage call is an event: the
// waits below are re-checked on each one, so none of them sleeps on a guess.
const probe = { renders: 0, commits: 0, events: 0, commit: undefined, mounted: 0 };
// The channel is new, so the burst's offsets are 1..N; a bitmap keeps this bookkeeping out of the heap figures.
const burst = { calls: 0, seen: new Uint8Array(N + 1), distinct: 0, stray: 0, highest: 0, duplicates: 0, outOfOrder: 0, lastCallAt: NaN };
const waiters = new Set();

const inspector = new Session();
inspector.connect();
const container = document.createElement('div');
document.body.append(container);
const root = createRoot(container);
// Stable across re-renders of the provider (it keeps the client it made on the first render).
const getToken = () => signHs256(env.JWT_SECRET, { sub: 'react-bench', exp: Math.floor(Date.now() / 1000) + 3600, channels: ['bench:*'] });
const clientOptions = { WebSocket };
const app = (children) => h(SwitchboardProvider, { url: gateway.base, getToken, options: clientOptions }, children);

let result;
let churnResult;
let ok = false;
try {
  result = await runBurst();
  churnResult = await runChurn();
  root.unmount();
  // The provider closes its client a macrotask after unmounting; the gateway's gauge says when the socket is gone.
  const connections = await settledGauge('switchboard_connections_active', 0);
  log(`after unmounting the provider: connections_active=${connections}`);
  ok = true;
} catch (error) {
  process.stderr.write(`[react] ${error.stack}\n--- last output of the gateway ---\n${gateway.output()}\n`);
} finally {
  inspector.disconnect();
  // jsdom's animation-frame timer (pretendToBeVisual) would otherwise keep the process alive.
  window.close();
  await stopServer(gateway.child);
}
clearTimeout(deadline);
report();
process.exit(ok ? 0 : 1);


function notify() {
  probe.events++;
  for (const waiter of [...waiters]) if (waiter.test()) waiter.done();
}

/** Resolves once `test()` holds (checked now and on every event); rejects after IDLE_MS without an event. */
function until(test, what) {
  if (test()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let seen = probe.events;
    let quietSince = performance.now();
    const timer = setInterval(() => {
      if (probe.events !== seen) {
        seen = probe.events;
        quietSince = performance.now();
      } else if (performance.now() - quietSince > IDLE_MS) {
        waiters.delete(waiter);
        clearInterval(timer);
        reject(new Error(`${what}: nothing rendered or delivered for ${IDLE_MS / 1000} s`));
      }
    }, IDLE_CHECK_MS);
    const waiter = {
      test,
      done() {
        waiters.delete(waiter);
        clearInterval(timer);
        resolve();
      },
    };
    waiters.add(waiter);
  });
}

/** Counts what the app sees: every call, duplicates, offsets lower than one already seen, and offsets outside 1..N. */
function onBurstMessage({ offset }) {
  burst.lastCallAt = wallMs();
  burst.calls++;
  if (offset < 1 || offset > N) burst.stray++;
  else if (burst.seen[offset]) burst.duplicates++;
  else {
    burst.seen[offset] = 1;
    burst.distinct++;
  }
  if (offset < burst.highest) burst.outOfOrder++;
  burst.highest = Math.max(burst.highest, offset);
  notify();
}

/** The component under test: a function call is a render, a layout effect without deps runs once per commit. */
function BurstView({ limit }) {
  const { messages, status } = useChannel(BURST_CHANNEL, { limit, onMessage: onBurstMessage });
  probe.renders++;
  useLayoutEffect(() => {
    probe.commits++;
    probe.commit = { status, length: messages.length, lastOffset: messages.at(-1)?.offset ?? 0 };
    notify();
  });
  return h('output', null, `${status}: ${messages.length} messages, last offset ${messages.at(-1)?.offset ?? '-'}`);
}

function ChurnView({ index, channel }) {
  const { status } = useChannel(channel);
  useLayoutEffect(() => {
    probe.commit = { index, status };
    notify();
  });
  // Counts mounted instances, so the final unmount can be awaited like everything else.
  useLayoutEffect(() => {
    probe.mounted++;
    return () => {
      probe.mounted--;
      notify();
    };
  }, []);
  return h('output', null, `${channel}: ${status}`);
}

async function runBurst() {
  root.render(app(h(BurstView, { limit: LIMIT })));
  const connectStart = performance.now();
  await until(() => probe.commit?.status === 'subscribed', `${BURST_CHANNEL}: waiting for status subscribed`);
  log(`mounted and subscribed in ${fmt(performance.now() - connectStart, 0)} ms (discovery, ticket, WebSocket, subscribe ack)`);

  const heapBefore = await heapUsed();
  const rendersBefore = probe.renders;
  const commitsBefore = probe.commits;
  const cpuBefore = { elu: performance.eventLoopUtilization(), gateway: await cpuMs(gateway.pid) };
  const { published, answered, unexpected, publishErrors, firstErrors, firstSend, lastAnswer, publisherBusyMs } = await publishBurst();
  for (const message of firstErrors) log(`publish failed: ${message}`);
  const publishedCount = answered - unexpected;
  const lastOffset = Math.max(0, published.lastIndexOf(1));
  const expectedLength = Math.min(publishedCount, LIMIT);
  const lost = () => published.reduce((missing, isPublished, offset) => missing + (isPublished && !burst.seen[offset] ? 1 : 0), 0);

  // Delivered: onMessage had every published offset (the count keeps the full check off each message).
  // Settled: a commit shows the newest message.
  await until(() => burst.distinct >= publishedCount && lost() === 0, 'burst delivery').catch((error) => log(error.message));
  await until(() => probe.commit.lastOffset === lastOffset && probe.commit.length === expectedLength, 'last commit').catch((error) =>
    log(error.message),
  );
  const settledAt = wallMs();
  const elu = performance.eventLoopUtilization(cpuBefore.elu);
  const gatewayCpu = ((await cpuMs(gateway.pid)) - cpuBefore.gateway) / 1000;
  const renders = probe.renders - rendersBefore;
  const commits = probe.commits - commitsBefore;
  const final = probe.commit;
  const heapAfter = await heapUsed();

  root.render(app(null));
  const seconds = (burst.lastCallAt - firstSend) / 1000;
  log(
    `${answered}/${N} publishes answered in ${fmt((lastAnswer - firstSend) / 1000)} s (${INFLIGHT} in flight)` +
      `${unexpected === 0 && lastOffset === answered ? '' : `, offsets not 1..${answered}`}; ` +
      `last onMessage at ${fmt(seconds)} s, last commit at ${fmt((settledAt - firstSend) / 1000)} s`,
  );
  log(
    `main thread (React ${reactVersion} ${process.env.NODE_ENV}, jsdom, client) busy ${fmt(elu.active / 1000)} s of ${fmt((settledAt - firstSend) / 1000)} s ` +
      `(${fmt(100 * elu.utilization, 0)}%), ${fmt((elu.active * 1000) / Math.max(1, burst.calls), 1)} µs per message; ` +
      `publisher thread busy ${fmt(publisherBusyMs / 1000)} s; gateway CPU ${fmt(gatewayCpu)} s`,
  );
  return {
    publishErrors,
    calls: burst.calls,
    lost: lost(),
    duplicates: burst.duplicates,
    outOfOrder: burst.outOfOrder,
    stray: burst.stray,
    seconds,
    deliveriesPerSecond: burst.distinct / seconds,
    renders,
    commits,
    finalLength: final.length,
    expectedLength,
    heapBefore,
    heapAfter,
  };
}

/**
 * MOUNTS cycles: each renders a new instance (a new key) on channel bench:churn-<i % 50> and waits for
 * it to be subscribed; the same commit unmounts the previous one, whose release is deferred a macrotask.
 * The heap is read every MOUNTS / HEAP_READINGS cycles: a leak keeps growing from reading to reading.
 */
async function runChurn() {
  await settledGauge('switchboard_subscriptions', 0);
  const heap = [await heapUsed()];
  let busyMs = 0;
  for (let i = 0; i < MOUNTS; i++) {
    const start = performance.now();
    root.render(app(h(ChurnView, { key: i, index: i, channel: `bench:churn-${i % CHURN_CHANNELS}` })));
    await until(() => probe.commit?.index === i && probe.commit.status === 'subscribed', `churn mount ${i}: waiting for status subscribed`);
    busyMs += performance.now() - start;
    if ((i + 1) % (MOUNTS / HEAP_READINGS) === 0 && i + 1 < MOUNTS) heap.push(await heapUsed());
  }
  const start = performance.now();
  root.render(app(null));
  await until(() => probe.mounted === 0, 'churn: waiting for the last unmount');
  busyMs += performance.now() - start;
  // The bindings release a channel a macrotask after its last user unmounts, then the unsubscribe crosses the socket.
  const releaseStart = performance.now();
  const subscriptions = await settledGauge('switchboard_subscriptions', 0);
  const releaseMs = performance.now() - releaseStart;
  const channels = await gauge('switchboard_channels');
  heap.push(await heapUsed());
  log(
    `${MOUNTS} mount→subscribed→unmount cycles over ${CHURN_CHANNELS} channels in ${fmt(busyMs / 1000)} s (${fmt(MOUNTS / (busyMs / 1000), 0)}/s, heap readings not counted); ` +
      `gateway subscriptions=${subscriptions} channels=${channels} ${fmt(releaseMs, 0)} ms after the last unmount`,
  );
  return { seconds: busyMs / 1000, subscriptions, channels, heap };
}

/** This process's V8 heap in use after a full GC, in MiB (garbage does not count as held). */
async function heapUsed() {
  await inspector.post('HeapProfiler.collectGarbage');
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/**
 * Publishes N messages through POST /api/publish, INFLIGHT at a time, from a worker thread: the HTTP
 * client's work stays off the event loop that runs React and the Switchboard client.
 */
async function publishBurst() {
  const worker = new Worker(`(${publisherThread})()`, {
    eval: true,
    workerData: { util: new URL('./lib/util.mjs', import.meta.url).href, base: gateway.base, apiKey: env.API_KEY, channel: BURST_CHANNEL, n: N, inflight: INFLIGHT },
  });
  const [answer] = await once(worker, 'message'); // an 'error' event makes once() reject
  await worker.terminate();
  return answer;
}

/** The worker's code; sent as source text, so it uses nothing from this module's scope. */
async function publisherThread() {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { pool, wallMs } = await import(workerData.util);
  const { base, apiKey, channel, n, inflight } = workerData;
  // node:http with keep-alive costs the publisher about a third of what fetch (undici) does per request.
  const { request, Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: inflight });
  const url = new URL('/api/publish', base);
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  // Which offsets the answers gave, as a bitmap (1..n); any other offset, or one given twice, is unexpected.
  const published = new Uint8Array(n + 1);
  let answered = 0;
  let unexpected = 0;
  const errors = [];
  const firstSend = wallMs();
  await pool(n, inflight, async (seq) => {
    try {
      const { status, text } = await post(JSON.stringify({ channel, payload: { seq } }));
      const answer = JSON.parse(text);
      if (status !== 200) throw new Error(`HTTP ${status} ${answer?.error?.code ?? ''}`);
      answered++;
      if (answer.offset >= 1 && answer.offset <= n && !published[answer.offset]) published[answer.offset] = 1;
      else unexpected++;
    } catch (error) {
      errors.push(`publish ${seq}: ${error.message}`);
    }
  });
  const publisherBusyMs = performance.eventLoopUtilization().active;
  agent.destroy();
  parentPort.postMessage(
    { published, answered, unexpected, publishErrors: errors.length, firstErrors: errors.slice(0, 5), firstSend, lastAnswer: wallMs(), publisherBusyMs },
    [published.buffer],
  );
}

async function gauge(name) {
  const text = await fetch(`${gateway.base}/metrics`).then((r) => r.text());
  return metricSamples(text, name).get('') ?? NaN;
}

/** Polls a gauge until it reads `target` or METRIC_DEADLINE_MS passes; returns the last reading. */
async function settledGauge(name, target) {
  const end = performance.now() + METRIC_DEADLINE_MS;
  for (;;) {
    const value = await gauge(name);
    if (value === target || performance.now() > end) return value;
    await sleep(METRIC_POLL_MS);
  }
}

function report() {
  if (!result) return;
  const r = result;
  process.stdout.write(
    `\nreact  burst n=${N} limit=${LIMIT} deliveries/s=${fmt(r.deliveriesPerSecond, 0)} time=${fmt(r.seconds)} s ` +
      `onMessage calls=${r.calls} lost=${r.lost} duplicates=${r.duplicates} out-of-order=${r.outOfOrder}` +
      (r.stray ? ` stray=${r.stray}` : '') +
      (r.publishErrors ? ` publish errors=${r.publishErrors}` : '') +
      ` renders=${r.renders} (${fmt(r.renders / Math.max(1, r.calls), 3)}/message, commits=${r.commits}) ` +
      `messages.length=${r.finalLength} (expected ${r.expectedLength})\n` +
      `react  heap used MiB (after GC): before burst ${fmt(r.heapBefore)} -> after burst ${fmt(r.heapAfter)}\n`,
  );
  if (churnResult) {
    const c = churnResult;
    process.stdout.write(
      `react  churn mounts=${MOUNTS} channels=${CHURN_CHANNELS} mounts/s=${fmt(MOUNTS / c.seconds, 0)} ` +
        `gateway subscriptions=${c.subscriptions} channels=${c.channels} after unmounting all; ` +
        `heap used MiB: ${c.heap.map((mib) => fmt(mib)).join(' -> ')}\n`,
    );
  }
  process.stdout.write(
    'time = first publish → last onMessage; deliveries/s = distinct offsets onMessage saw / time. Publishes: POST /api/publish,\n' +
      `${INFLIGHT} in flight. renders = calls of the component during the burst: fewer than messages means React batched the\n` +
      'updates, while onMessage still sees each message. Heap: this process (jsdom, React, client), V8 heap after a forced GC.\n',
  );
}
