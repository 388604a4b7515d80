// Channel fan-out on the built gateway: N subscribers on one channel, one publisher, M messages.
// Measures deliveries per second and publish→delivery latency, and checks that every subscriber
// got every message exactly once, in offset order. Linux only: it reads /proc.
// Usage: node bench/fanout-bench.mjs [--n 5000] [--messages 200] [--mode both|paced|burst] [--rate 20]
//        [--inflight 16] [--publisher api|ws] [--procs 2] [--warmup 20] [--drain-s 30] [--timeout-s 300]
//        [--cpu-profile FILE]
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import {
  ROOT,
  SUBPROTOCOL,
  checkOpenFiles,
  children,
  cpuMs,
  cpuTimesMs,
  failer,
  integerOptions,
  guardRun,
  inspectorSession,
  jwtGatewayEnv,
  machineCpuMs,
  metricSamples,
  stopServer,
  startGatewayWithRetries,
} from './lib/server.mjs';
import { fmt, percentile, pool, signHs256, wallMs } from './lib/util.mjs';

const NAME = 'fanout-bench';

/** The Redis may be shared: the run's keys go with it. */
async function removeKeys(prefix) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) if (keys.length > 0) await redis.unlink(...keys);
  await redis.quit();
}
const CHANNEL = 'bench:fan';
const STATUS_POLL_MS = 100;

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: process.env.BENCH_N ?? '5000' },
    messages: { type: 'string', default: '200' },
    mode: { type: 'string', default: 'both' },
    rate: { type: 'string', default: '20' },
    inflight: { type: 'string', default: '16' },
    publisher: { type: 'string', default: 'api' },
    procs: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '20' },
    'drain-s': { type: 'string', default: '30' },
    'timeout-s': { type: 'string', default: '300' },
    'cpu-profile': { type: 'string' },
    engine: { type: 'string', default: 'memory' },
  },
});
const fail = failer(NAME);
const integer = integerOptions(args, fail);
const N = integer('n');
const MESSAGES = integer('messages');
const RATE = integer('rate');
const INFLIGHT = integer('inflight');
const PROCS = Math.min(integer('procs'), N);
const CONCURRENCY = integer('concurrency');
const WARMUP = integer('warmup', 0);
const DRAIN_S = integer('drain-s');
const TIMEOUT_S = integer('timeout-s');
const MODES = { both: ['paced', 'burst'], paced: ['paced'], burst: ['burst'] }[args.mode];
if (!MODES) fail(`--mode: expected both, paced or burst, got ${args.mode}`);
if (!['api', 'ws'].includes(args.publisher)) fail(`--publisher: expected api or ws, got ${args.publisher}`);
if (!['memory', 'redis'].includes(args.engine)) fail(`--engine: expected memory or redis, got ${args.engine}`);

const deadline = guardRun(NAME, TIMEOUT_S);
const log = (line) => process.stdout.write(`[fanout] ${line}\n`);
// The gateway holds one descriptor per subscriber; the subscriber processes split theirs.
await checkOpenFiles(N + 256, `N=${N} needs about ${N + 256} in the server`, fail);

// --engine redis: the Redis at REDIS_URL (default the local one), under a prefix of this run's own.
const engineEnv =
  args.engine === 'redis'
    ? { ENGINE: 'redis', REDIS_PREFIX: `sb-bench-${process.pid}`, ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) }
    : {};
const env = jwtGatewayEnv({ MAX_CONNECTIONS_PER_USER: '5', ...engineEnv });
const gateway = await startGatewayWithRetries(env, NAME);
log(`gateway pid ${gateway.pid}, port ${gateway.port}, engine ${args.engine}; ${N} subscribers in ${PROCS} processes, publisher: ${args.publisher}`);

const results = [];
let ok = false;
let publisher;
let workers = [];
try {
  workers = await openSubscribers();
  publisher = await makePublisher();
  let offset = 0; // the channel is new: the subscribe acks said offset 0 (checked in openSubscribers)
  if (WARMUP > 0) {
    const warm = await runPhase('warmup', 'paced', WARMUP, offset);
    offset += WARMUP;
    log(`warmup: ${WARMUP} messages at ${RATE}/s, ${warm.deliveries} deliveries, lost=${warm.lost} (not counted below)`);
  }
  const profiler = args['cpu-profile'] ? await startProfile() : undefined;
  for (const mode of MODES) {
    results.push(await runPhase(mode, mode, MESSAGES, offset));
    offset += MESSAGES;
  }
  if (profiler) await stopProfile(profiler, args['cpu-profile']);
  const metrics = await fetch(`${gateway.base}/metrics`).then((r) => r.text());
  const closes = [...metricSamples(metrics, 'switchboard_disconnections_total')].map(([labels, v]) => `${labels}=${v}`);
  const sent = metricSamples(metrics, 'switchboard_frames_out_total').get('{type="message"}') ?? 0;
  log(`gateway metrics: frames_out{type="message"}=${sent}, disconnections: ${closes.join(' ') || 'none'}`);
  ok = results.every((r) => r.lost === 0 && r.duplicates === 0 && r.outOfOrder === 0 && r.wrongEpoch === 0 && r.publishErrors === 0);
} catch (error) {
  process.stderr.write(`[fanout] ${error.stack}\n--- last output of the gateway ---\n${gateway.output()}\n`);
} finally {
  publisher?.close();
  await Promise.all(workers.map((w) => w.request({ cmd: 'close' }).catch(() => {})));
  await stopServer(gateway.child);
  if (engineEnv.REDIS_PREFIX) await removeKeys(engineEnv.REDIS_PREFIX);
}
clearTimeout(deadline);
report(results);
process.exit(ok ? 0 : 1);


/** Forks the subscriber processes and has each open and subscribe its share. */
async function openSubscribers() {
  workers = Array.from({ length: PROCS }, (_, k) => {
    const child = fork(join(ROOT, 'bench/lib/fanout-subscribers.mjs'), [], {
      cwd: ROOT,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    const pending = new Map();
    let next = 0;
    child.on('message', (message) => {
      const waiter = pending.get(message.reqId);
      if (!waiter) return;
      pending.delete(message.reqId);
      message.error ? waiter.reject(new Error(`subscriber process ${k}: ${message.error}`)) : waiter.resolve(message);
    });
    child.on('exit', (code, signal) => {
      for (const waiter of pending.values()) waiter.reject(new Error(`subscriber process ${k} exited (${code ?? signal})`));
      pending.clear();
    });
    const request = (message) =>
      new Promise((resolve, reject) => {
        const reqId = next++;
        pending.set(reqId, { resolve, reject });
        child.send({ ...message, reqId });
      });
    return { child, pid: child.pid, request };
  });
  const share = (k) => Math.floor((N * (k + 1)) / PROCS) - Math.floor((N * k) / PROCS);
  const start = performance.now();
  const opened = await Promise.all(
    workers.map((w, k) =>
      w.request({
        cmd: 'open',
        wsUrl: gateway.wsUrl,
        secret: env.JWT_SECRET,
        channel: CHANNEL,
        from: Math.floor((N * k) / PROCS),
        count: share(k),
        concurrency: Math.ceil(CONCURRENCY / PROCS),
        ttlSeconds: 3600,
      }),
    ),
  );
  const total = opened.reduce((sum, o) => sum + o.opened, 0);
  const epochs = new Set(opened.flatMap((o) => o.epochs));
  log(`${total}/${N} subscribed in ${((performance.now() - start) / 1000).toFixed(2)} s (${fmt(total / ((performance.now() - start) / 1000), 0)}/s, handshake + welcome + subscribe ack)`);
  for (const o of opened) for (const [message, count] of o.failures) log(`failed ${count}x: ${message}`);
  if (total !== N) throw new Error(`only ${total} of ${N} subscribers subscribed`);
  if (epochs.size !== 1 || opened.some((o) => o.ackOffsetMin !== 0 || o.ackOffsetMax !== 0)) {
    throw new Error(`subscribe acks disagree: epochs ${[...epochs]}, offsets ${opened.map((o) => `${o.ackOffsetMin}..${o.ackOffsetMax}`)}`);
  }
  return workers;
}

/** Publishes through the server API (HTTP, keep-alive) or as a WebSocket client (`publish` frames). */
async function makePublisher() {
  const body = (seq) => ({ seq, sentAt: wallMs(), sentMs: Date.now() });
  if (args.publisher === 'api') {
    const headers = { authorization: `Bearer ${env.API_KEY}`, 'content-type': 'application/json' };
    return {
      async publish(seq) {
        const res = await fetch(`${gateway.base}/api/publish`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ channel: CHANNEL, payload: body(seq) }),
        });
        const answer = await res.json();
        if (res.status !== 200) throw new Error(`POST /api/publish: HTTP ${res.status} ${answer?.error?.code ?? ''}`);
        return answer.offset;
      },
      close() {},
    };
  }
  const token = signHs256(env.JWT_SECRET, { sub: 'publisher', exp: Math.floor(Date.now() / 1000) + 3600, channels: ['bench:*'], publish: ['bench:*'] });
  const ws = new WebSocket(gateway.wsUrl, SUBPROTOCOL, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
  const acks = new Map();
  await new Promise((resolve, reject) => {
    ws.once('message', (data) => (JSON.parse(data.toString()).type === 'welcome' ? resolve() : reject(new Error('publisher: no welcome'))));
    ws.once('error', reject);
  });
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    const waiter = acks.get(frame.id);
    if (!waiter) return;
    acks.delete(frame.id);
    frame.type === 'ack' ? waiter.resolve(frame.payload.offset) : waiter.reject(new Error(`publish: ${frame.payload?.code}`));
  });
  ws.on('close', (code) => {
    for (const waiter of acks.values()) waiter.reject(new Error(`publisher closed ${code}`));
    acks.clear();
  });
  let id = 0;
  return {
    publish: (seq) =>
      new Promise((resolve, reject) => {
        const frameId = `p${id++}`;
        acks.set(frameId, { resolve, reject });
        ws.send(JSON.stringify({ type: 'publish', id: frameId, channel: CHANNEL, payload: body(seq) }));
      }),
    close: () => ws.terminate(),
  };
}

/**
 * paced: one publish every 1/RATE s on a fixed schedule, not waiting for the previous answer (so a
 * slow gateway does not lower the offered load); latency here is what a subscriber sees at that load.
 * burst: all messages as fast as the publisher gets answers, INFLIGHT at a time; the rate is the
 * gateway's fan-out capacity, and latency includes the queue the burst builds up.
 */
async function runPhase(name, mode, messages, offset) {
  const first = offset + 1;
  const last = offset + messages;
  await Promise.all(workers.map((w) => w.request({ cmd: 'phase', name, first, last })));
  await sleep(200);
  const cpuBefore = await cpuSnapshot();
  let publishErrors = 0;
  const offsets = [];
  const roundTrips = [];
  const publishOne = async (seq) => {
    try {
      const sent = wallMs();
      offsets.push(await publisher.publish(seq));
      roundTrips.push(wallMs() - sent);
    } catch (error) {
      publishErrors++;
      if (publishErrors <= 5) log(`${name}: publish ${seq} failed: ${error.message}`);
    }
  };
  const firstSend = wallMs();
  if (mode === 'burst') {
    await pool(messages, INFLIGHT, publishOne);
  } else {
    const interval = 1000 / RATE;
    const inFlight = new Set();
    let behind = 0;
    for (let seq = 0; seq < messages; seq++) {
      const wait = firstSend + seq * interval - wallMs();
      if (wait > 0) await sleep(wait);
      else if (wait < -interval) behind++;
      // Bounded: when INFLIGHT publishes are unanswered the schedule slips (counted as behind).
      while (inFlight.size >= INFLIGHT) await Promise.race(inFlight);
      const p = publishOne(seq).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    if (behind > 0) log(`${name}: the publisher fell behind its schedule on ${behind} messages`);
  }
  const lastAnswer = wallMs();

  // Wait for every open subscriber to hold every offset, or for deliveries to stop for DRAIN_S.
  let lastDeliveries = -1;
  let progressAt = performance.now();
  for (;;) {
    const states = await Promise.all(workers.map((w) => w.request({ cmd: 'status' })));
    if (states.every((s) => s.complete)) break;
    const deliveries = states.reduce((sum, s) => sum + s.deliveries, 0);
    if (deliveries !== lastDeliveries) {
      lastDeliveries = deliveries;
      progressAt = performance.now();
    } else if (performance.now() - progressAt > DRAIN_S * 1000) {
      log(`${name}: no delivery for ${DRAIN_S} s, ${deliveries} of ${N * messages}: stopped waiting`);
      break;
    }
    await sleep(STATUS_POLL_MS);
  }
  const cpu = await cpuSnapshot(cpuBefore);
  const reports = await Promise.all(workers.map((w) => w.request({ cmd: 'report' })));

  const sum = (key) => reports.reduce((total, r) => total + r[key], 0);
  const latencies = concat(reports.map((r) => r.latencies));
  const gatewayLatencies = concat(reports.map((r) => r.gatewayLatencies));
  const lastRecv = Math.max(...reports.map((r) => r.lastRecv));
  const seconds = (lastRecv - firstSend) / 1000;
  const sorted = [...offsets].sort((a, b) => a - b);
  const offsetsOk = sorted.length === messages && sorted[0] === first && sorted.at(-1) === last;
  const result = {
    name,
    mode,
    messages,
    deliveries: sum('deliveries'),
    lost: sum('lost'),
    incomplete: sum('incomplete'),
    duplicates: sum('duplicates'),
    outOfOrder: sum('outOfOrder'),
    stray: sum('stray'),
    wrongEpoch: sum('wrongEpoch'),
    open: sum('open'),
    closes: mergeCounts(reports.map((r) => r.closes)),
    publishErrors: publishErrors + (offsetsOk || publishErrors > 0 ? 0 : 1),
    deliveriesPerSecond: sum('deliveries') / seconds,
    seconds,
    publishSeconds: (lastAnswer - firstSend) / 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    gatewayP50: percentile(gatewayLatencies, 50),
    gatewayP99: percentile(gatewayLatencies, 99),
    publishP50: percentile(roundTrips, 50),
    publishP99: percentile(roundTrips, 99),
    cpu,
  };
  if (name !== 'warmup') {
    log(
      `${name}: ${messages} publishes answered in ${fmt(result.publishSeconds)} s, last delivery at ${fmt(seconds)} s; ` +
        `${result.deliveries}/${N * messages} deliveries, lost=${result.lost} (${result.incomplete} subscribers short) ` +
        `duplicates=${result.duplicates} out-of-order=${result.outOfOrder} other-epoch=${result.wrongEpoch} stray=${result.stray}` +
        (offsetsOk ? '' : `; publish offsets were not ${first}..${last}`),
    );
    log(
      `${name}: latency publisher→subscriber p50=${fmt(result.p50)} p99=${fmt(result.p99)} max=${fmt(result.max)} ms; ` +
        `gateway ts→subscriber p50=${fmt(result.gatewayP50)} p99=${fmt(result.gatewayP99)} ms; ` +
        `publish round trip p50=${fmt(result.publishP50)} p99=${fmt(result.publishP99)} ms`,
    );
    log(
      `${name}: CPU over ${fmt(cpu.seconds)} s: gateway ${fmt(cpu.gateway / 1000)} s (${fmt((100 * cpu.gateway) / 1000 / cpu.seconds, 0)}% of a core, ` +
        `${fmt((cpu.gateway * 1000) / Math.max(1, result.deliveries))} µs/delivery, ${fmt((100 * cpu.gatewaySystem) / Math.max(1, cpu.gateway), 0)}% in the kernel); subscribers ${cpu.subscribers.map((ms) => `${fmt(ms / 1000)} s (${fmt((100 * ms) / 1000 / cpu.seconds, 0)}%)`).join(' + ')}; ` +
        `publisher ${fmt(cpu.publisher / 1000)} s; other processes ${fmt(cpu.others / 1000)} s (of ${cpu.cpus} cores × ${fmt(cpu.seconds)} s); ` +
        `${result.open}/${N} subscribers still open` +
        (result.closes.length ? `, closed: ${result.closes.map(([why, n]) => `${n}x ${why}`).join(', ')}` : ''),
    );
  }
  return result;
}

/** CPU ms of the gateway, each subscriber process and this process (the publisher); with `before`, the difference. */
async function cpuSnapshot(before) {
  const { user, system } = process.cpuUsage();
  const now = {
    at: performance.now(),
    gateway: await cpuMs(gateway.pid),
    gatewaySystem: (await cpuTimesMs(gateway.pid)).system,
    subscribers: await Promise.all(workers.map((w) => cpuMs(w.pid))),
    publisher: (user + system) / 1000,
    machine: await machineCpuMs(),
  };
  if (!before) return now;
  const ours = (s) => s.gateway + s.subscribers.reduce((a, b) => a + b, 0) + s.publisher;
  return {
    seconds: (now.at - before.at) / 1000,
    gateway: now.gateway - before.gateway,
    gatewaySystem: now.gatewaySystem - before.gatewaySystem,
    subscribers: now.subscribers.map((ms, k) => ms - before.subscribers[k]),
    publisher: now.publisher - before.publisher,
    cpus: now.machine.cpus,
    // Whatever else ran on the machine meanwhile (other builds, tests) competed with the benchmark.
    others: Math.max(0, now.machine.busy - before.machine.busy - (ours(now) - ours(before))),
  };
}

/** Samples the gateway's JavaScript through the inspector over the measured phases (costs it some CPU). */
async function startProfile() {
  const session = await inspectorSession(gateway.inspector());
  await session.call('Profiler.enable');
  await session.call('Profiler.setSamplingInterval', { interval: 500 });
  await session.call('Profiler.start');
  return session;
}

/** Writes the .cpuprofile (Chrome DevTools, speedscope) and prints the functions with the most self time. */
async function stopProfile(session, file) {
  const { profile } = await session.call('Profiler.stop');
  session.close();
  await writeFile(file, JSON.stringify(profile));
  const self = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const [id, count] of counts) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url ? `${url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + count);
  }
  const total = profile.samples.length;
  log(`gateway CPU profile written to ${file}; self time, top 15 of ${total} samples:`);
  for (const [key, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    log(`  ${fmt((100 * count) / total, 1).padStart(5)}%  ${key}`);
  }
}

function concat(arrays) {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function mergeCounts(lists) {
  const counts = new Map();
  for (const list of lists) for (const [key, n] of list) counts.set(key, (counts.get(key) ?? 0) + n);
  return [...counts];
}

function report(results) {
  process.stdout.write(
    `\nN=${N} subscribers on one channel in ${PROCS} processes, ${MESSAGES} messages per mode, publisher: ${args.publisher === 'api' ? 'POST /api/publish' : 'WebSocket publish frames'}\n`,
  );
  for (const r of results) {
    const how = r.mode === 'paced' ? `paced(${RATE}/s)` : `burst(${INFLIGHT} in flight)`;
    process.stdout.write(
      `fanout  mode=${how} subscribers=${N} messages=${r.messages} deliveries/s=${fmt(r.deliveriesPerSecond, 0)} ` +
        `latency p50=${fmt(r.p50)} ms p99=${fmt(r.p99)} ms lost=${r.lost}` +
        (r.duplicates || r.outOfOrder ? ` duplicates=${r.duplicates} out-of-order=${r.outOfOrder}` : '') +
        `  client cpu=${fmt(r.cpu.subscribers.reduce((a, b) => a + b, 0) / 1000 / r.cpu.seconds, 2)} cores gateway cpu=${fmt(r.cpu.gateway / 1000 / r.cpu.seconds, 2)} cores other=${fmt(r.cpu.others / 1000 / r.cpu.seconds, 2)} cores\n`,
    );
  }
  process.stdout.write(
    'deliveries/s = messages received by all subscribers / (last delivery − first publish); latency = receive time − the\n' +
      'send time in the payload (performance.timeOrigin + performance.now(), one machine clock), over every delivery.\n' +
      `Gateway, subscribers and publisher share the machine (${results[0]?.cpu.cpus ?? '?'} cores); client cpu = the subscriber processes, other = every other\n` +
      'process on the machine, each in cores averaged over the phase.\n',
  );
}
