// Handshake rate, memory per idle connection and ping→pong latency under load, for the
// built gateway and for a bare `ws` server (the floor). Linux only: it reads /proc.
// Usage: node bench/handshake-bench.mjs [--n 5000] [--target both|gateway|bare] [--concurrency 200]
//        [--ping-conns 500] [--ping-rounds 20] [--warmup 100] [--timeout-s 300]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import {
  ROOT,
  SUBPROTOCOL,
  checkOpenFiles as checkOpenFilesLimit,
  cpuMs,
  failer,
  integerOptions,
  guardRun,
  listeningPort,
  settledRss,
  spawnServer,
  stopServer,
  waitReady,
} from './lib/server.mjs';
import { fmt, percentile, pool as runPool } from './lib/util.mjs';

const CONNS_PER_USER = 5;
const SETTLE_MS = 2_000;
const PING_TIMEOUT_MS = 10_000;

const TARGETS = {
  gateway: {
    script: 'apps/gateway/dist/main.js',
    // A clean environment, so a JWT_SECRET or NODE_ENV in the caller's shell cannot leave development mode.
    // warn keeps per-request and per-connection log lines (written synchronously) out of the figures.
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Every benchmark client is 127.0.0.1: the per-IP limits would measure themselves.
      HANDSHAKE_RATE_PER_IP: '1000000',
      TICKET_RATE_PER_IP: '1000000',
      TICKET_RATE_PER_USER: '1000000',
      MAX_PENDING_REQUESTS_PER_IP: '1000000',
      MAX_CONNECTIONS_PER_USER: String(CONNS_PER_USER),
    },
  },
  bare: { script: 'bench/bare-ws-server.mjs', env: { PORT: '0' } },
};

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: process.env.BENCH_N ?? '5000' },
    target: { type: 'string', default: 'both' },
    concurrency: { type: 'string', default: '200' },
    'ping-conns': { type: 'string', default: '500' },
    'ping-rounds': { type: 'string', default: '20' },
    warmup: { type: 'string', default: '100' },
    'timeout-s': { type: 'string', default: '300' },
  },
});
const positive = integerOptions(args, fail);
const N = positive('n');
const CONCURRENCY = positive('concurrency');
const PING_CONNS = Math.min(positive('ping-conns'), N);
const PING_ROUNDS = positive('ping-rounds');
const WARMUP = positive('warmup', 0);
const TIMEOUT_S = positive('timeout-s');
const targets = args.target === 'both' ? ['gateway', 'bare'] : [args.target];
if (!targets.every((t) => t in TARGETS)) fail(`--target: expected both, gateway or bare, got ${args.target}`);

function fail(message) {
  failer('handshake-bench')(message);
}

const sockets = new Set();
const deadline = guardRun('handshake-bench', TIMEOUT_S);

await checkOpenFiles();
const results = [];
try {
  for (const name of targets) results.push(await run(name));
} catch {
  process.exit(1); // run() has printed the error and the server's last output
}
clearTimeout(deadline);
report(results);
process.exit(results.every((r) => r.opened === N && r.lost === 0 && r.dropped === 0) ? 0 : 1);

async function checkOpenFiles() {
  // Each side holds one descriptor per connection; the server child inherits this limit.
  const needed = N + WARMUP + CONCURRENCY + 256;
  await checkOpenFilesLimit(needed, `N=${N} needs about ${needed} in this process and in the server`, fail);
}

async function run(name) {
  const target = TARGETS[name];
  if (!existsSync(join(ROOT, target.script))) fail(`${target.script} is missing; run \`npm run build\` first`);
  const log = (line) => process.stdout.write(`[${name}] ${line}\n`);
  // The inspector (loopback, ephemeral port) is how the benchmark forces a GC in the server before reading its RSS.
  const { child, output: serverOutput, inspector: inspectorUrl } = spawnServer(target.script, target.env);
  let inspector;
  try {
    const port = await listeningPort(child, inspectorUrl);
    inspector = inspectorUrl();
    const base = `http://127.0.0.1:${port}`;
    await waitReady(base, child);
    log(`pid ${child.pid}, port ${port}`);

    // JIT and lazy allocations of the handshake path would otherwise count as per-connection memory.
    if (WARMUP > 0) {
      const warm = await openMany(base, WARMUP, 'warm');
      await Promise.all(warm.conns.map((c) => c.ping('warm')));
      warm.conns.forEach((c) => c.ws.terminate());
    }
    const tokens = await fetchTokens(base, Math.ceil(N / CONNS_PER_USER), 'user');
    const rssBefore = await settledRss(child.pid, inspector, SETTLE_MS);

    const serverCpuBefore = await cpuMs(child.pid);
    const clientCpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    const { conns, failures, latencies } = await openMany(base, N, 'user', tokens);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const serverCpu = (await cpuMs(child.pid)) - serverCpuBefore;
    const { user, system } = process.cpuUsage(clientCpuBefore);
    const rssAfter = await settledRss(child.pid, inspector, SETTLE_MS);
    const opened = conns.length;
    log(
      `opened ${opened}/${N} in ${seconds.toFixed(2)} s (each: p50=${fmt(percentile(latencies, 50))} ms p99=${fmt(percentile(latencies, 99))} ms); ` +
        `RSS ${(rssBefore / 1024).toFixed(1)} -> ${(rssAfter / 1024).toFixed(1)} MiB`,
    );
    // On a small machine the client competes with the server for cores; CPU time per handshake separates them.
    log(
      `CPU during handshakes: server ${fmt(serverCpu / opened)} ms/handshake (${fmt(serverCpu / 1000)} s), ` +
        `benchmark client ${fmt((user + system) / 1000 / opened)} ms/handshake (${fmt((user + system) / 1e6)} s)`,
    );
    for (const [message, count] of failures) log(`failed ${count}x: ${message}`);

    const rtts = [];
    let lost = 0;
    for (let round = 0; round < PING_ROUNDS && opened > 0; round++) {
      const batch = Array.from({ length: Math.min(PING_CONNS, opened) }, (_, j) => conns[(round * PING_CONNS + j) % opened]);
      for (const rtt of await Promise.all(batch.map((c) => c.ping(`r${round}`)))) rtt === null ? lost++ : rtts.push(rtt);
    }
    const dropped = conns.filter((c) => c.ws.readyState !== WebSocket.OPEN).length;
    log(`${rtts.length} pings answered, ${lost} lost; ${dropped} connections closed by the server while idle`);

    return {
      name,
      opened,
      lost,
      dropped,
      handshakesPerSecond: opened / seconds,
      rssPerConnKiB: opened > 0 ? (rssAfter - rssBefore) / opened : NaN,
      pingP50: percentile(rtts, 50),
      pingP99: percentile(rtts, 99),
    };
  } catch (error) {
    process.stderr.write(`[${name}] ${error.stack}\n--- last output of the server ---\n${serverOutput()}\n`);
    throw error;
  } finally {
    await stop(child);
  }
}

async function fetchTokens(base, users, prefix) {
  const tokens = new Array(users);
  await pool(users, async (i) => {
    const res = await fetch(`${base}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: `${prefix}-${i}`, ttlSeconds: 3600 }),
    });
    if (res.status !== 201) throw new Error(`POST /dev/token: HTTP ${res.status} ${await res.text()}`);
    tokens[i] = (await res.json()).token;
  });
  return tokens;
}

/** Opens `count` connections, CONNS_PER_USER per user; failures are tallied, not thrown. */
async function openMany(base, count, prefix, tokens) {
  tokens ??= await fetchTokens(base, Math.ceil(count / CONNS_PER_USER), prefix);
  const conns = [];
  const latencies = [];
  const failures = new Map();
  await pool(count, async (i) => {
    const start = process.hrtime.bigint();
    try {
      conns.push(await connect(base, tokens[Math.floor(i / CONNS_PER_USER)]));
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    } catch (error) {
      failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
    }
  });
  return { conns, failures, latencies };
}

/** Ticket, upgrade, first frame: the connection is usable once the `welcome` is in. */
async function connect(base, token) {
  const res = await fetch(`${base}/ws/ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`POST /ws/ticket: HTTP ${res.status} ${body?.error?.code ?? ''}`);

  const ws = new WebSocket(body.url, SUBPROTOCOL, { perMessageDeflate: false, handshakeTimeout: 10_000 });
  sockets.add(ws);
  const pending = new Map();
  const ping = (id) =>
    new Promise((resolve) => {
      const start = process.hrtime.bigint();
      const timer = setTimeout(() => pending.delete(id) && resolve(null), PING_TIMEOUT_MS);
      pending.set(id, () => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(Number(process.hrtime.bigint() - start) / 1e6);
      });
      ws.send(JSON.stringify({ type: 'ping', id }));
    });

  return new Promise((resolve, reject) => {
    let welcomed = false;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (!welcomed) {
        welcomed = true;
        return frame.type === 'welcome' ? resolve({ ws, ping }) : reject(new Error(`first frame is ${frame.type}, not welcome`));
      }
      if (frame.type === 'pong') pending.get(frame.id)?.();
    });
    // The listener also keeps a late socket error from crashing the benchmark.
    ws.on('error', (error) => welcomed || reject(error));
    ws.on('close', (code) => {
      sockets.delete(ws);
      if (!welcomed) reject(new Error(`closed ${code} before the first frame`));
    });
  });
}

function pool(count, task) {
  return runPool(count, CONCURRENCY, task);
}

async function stop(child) {
  for (const ws of sockets) ws.terminate();
  sockets.clear();
  await stopServer(child);
}

function report(results) {
  const line = (r) =>
    `${r.name.padEnd(8)} handshakes/s=${fmt(r.handshakesPerSecond, 0)}  rss/conn=${fmt(r.rssPerConnKiB, 1)} KiB  ` +
    `ping p50=${fmt(r.pingP50)} ms p99=${fmt(r.pingP99)} ms`;
  process.stdout.write(
    `\nN=${N} connections, ${CONCURRENCY} handshakes in flight, ${PING_ROUNDS} rounds of ${PING_CONNS} concurrent pings, ${CONNS_PER_USER} connections per user\n`,
  );
  for (const r of results) process.stdout.write(`${line(r)}\n`);
  const [gateway, bare] = ['gateway', 'bare'].map((name) => results.find((r) => r.name === name));
  if (gateway && bare) {
    const ratio = (a, b) => `${fmt(a / b, 2)}x`;
    process.stdout.write(
      `gateway/bare  handshakes/s ${ratio(gateway.handshakesPerSecond, bare.handshakesPerSecond)}  ` +
        `rss/conn ${ratio(gateway.rssPerConnKiB, bare.rssPerConnKiB)}  ` +
        `ping p50 ${ratio(gateway.pingP50, bare.pingP50)} p99 ${ratio(gateway.pingP99, bare.pingP99)}\n`,
    );
  }
  process.stdout.write(
    'handshake = POST /ws/ticket + WebSocket upgrade + first frame (welcome); the bare server answers the ticket request\n' +
      'with random bytes and checks nothing, so both rates include the same HTTP round trip. Client and server share the machine.\n',
  );
}
