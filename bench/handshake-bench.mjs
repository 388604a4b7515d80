// Handshake rate, memory per idle connection and ping→pong latency under load, for the
// built gateway and for a bare `ws` server (the floor). Linux only: it reads /proc.
// Usage: node bench/handshake-bench.mjs [--n 5000] [--target both|gateway|bare] [--concurrency 200]
//        [--ping-conns 500] [--ping-rounds 20] [--warmup 100] [--timeout-s 300]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUBPROTOCOL = 'switchboard.v1';
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
      HANDSHAKE_RATE_PER_IP: '1000000',
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
const positive = (name) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < (name === 'warmup' ? 0 : 1)) fail(`--${name}: expected a positive integer, got ${args[name]}`);
  return value;
};
const N = positive('n');
const CONCURRENCY = positive('concurrency');
const PING_CONNS = Math.min(positive('ping-conns'), N);
const PING_ROUNDS = positive('ping-rounds');
const WARMUP = positive('warmup');
const TIMEOUT_S = positive('timeout-s');
const targets = args.target === 'both' ? ['gateway', 'bare'] : [args.target];
if (!targets.every((t) => t in TARGETS)) fail(`--target: expected both, gateway or bare, got ${args.target}`);

function fail(message) {
  process.stderr.write(`handshake-bench: ${message}\n`);
  process.exit(2);
}

const children = new Set();
const sockets = new Set();
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
const deadline = setTimeout(() => {
  process.stderr.write(`handshake-bench: gave up after ${TIMEOUT_S} s (--timeout-s)\n`);
  process.exit(1);
}, TIMEOUT_S * 1000);

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
  const limits = await readFile('/proc/self/limits', 'utf8');
  const [, soft, hard] = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  const needed = N + WARMUP + CONCURRENCY + 256;
  if (soft !== 'unlimited' && Number(soft) < needed) {
    fail(
      `the open-files limit (ulimit -n) is ${soft} (hard ${hard}); N=${N} needs about ${needed} in this process and in the server.\n` +
        `  Run bench/run.sh (it raises the soft limit to 65536, or to the hard limit if that is lower), or \`ulimit -n 65536\` first.`,
    );
  }
}

async function run(name) {
  const target = TARGETS[name];
  if (!existsSync(join(ROOT, target.script))) fail(`${target.script} is missing; run \`npm run build\` first`);
  const log = (line) => process.stdout.write(`[${name}] ${line}\n`);
  // The inspector (loopback, ephemeral port) is how the benchmark forces a GC in the server before reading its RSS.
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', join(ROOT, target.script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...target.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  let inspector;
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000);
    inspector ??= /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  try {
    const port = await listeningPort(child, () => inspector);
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
    const rssBefore = await settledRss(child.pid, inspector);

    const serverCpuBefore = await cpuMs(child.pid);
    const clientCpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    const { conns, failures, latencies } = await openMany(base, N, 'user', tokens);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const serverCpu = (await cpuMs(child.pid)) - serverCpuBefore;
    const { user, system } = process.cpuUsage(clientCpuBefore);
    const rssAfter = await settledRss(child.pid, inspector);
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
    process.stderr.write(`[${name}] ${error.stack}\n--- last output of the server ---\n${output}\n`);
    throw error;
  } finally {
    await stop(child);
  }
}

/**
 * The port the child serves on, found through /proc (the gateway logs it only at LOG_LEVEL=info):
 * its listening socket other than the inspector's.
 */
async function listeningPort(child, inspectorUrl) {
  const inspectorPort = () => Number(new URL(inspectorUrl()).port);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (code ${child.exitCode}, signal ${child.signalCode}) before listening`);
    }
    const ports = inspectorUrl() ? await listeningPorts(child.pid) : [];
    const port = ports.find((p) => p !== inspectorPort());
    if (port !== undefined) return port;
    await sleep(100);
  }
}

async function listeningPorts(pid) {
  const inodes = new Set();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const match = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
    if (match) inodes.add(match[1]);
  }
  const ports = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state === '0A' && inodes.has(inode)) ports.push(parseInt(local.split(':').pop(), 16));
    }
  }
  return ports;
}

/** The gateway listens a moment before it accepts WebSockets; /ready says when. */
async function waitReady(base, child) {
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    const ok = await fetch(`${base}/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${base}/ready did not answer 200`);
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

async function pool(count, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

/** RSS after a full GC, so garbage from the handshakes does not count as connection memory. */
async function settledRss(pid, inspectorUrl) {
  await sleep(SETTLE_MS);
  const ws = new WebSocket(inspectorUrl);
  await once(ws, 'open');
  const collected = new Promise((resolve) => ws.on('message', (data) => JSON.parse(data.toString()).id === 1 && resolve()));
  ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
  await collected;
  ws.close();
  await sleep(500);
  return rssKiB(pid);
}

async function rssKiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]);
}

/** utime + stime of a process, in ms (Linux USER_HZ is 100). */
async function cpuMs(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function stop(child) {
  for (const ws of sockets) ws.terminate();
  sockets.clear();
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    // The gateway drains on SIGTERM; with no connections left that is quick, but do not wait on it forever.
    if ((await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)])) === false) child.kill('SIGKILL');
  }
  children.delete(child);
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function fmt(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
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
