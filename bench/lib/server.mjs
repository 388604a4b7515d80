// Shared by the benchmarks: run a server (the built gateway, or the bare ws server) as a child
// process on an ephemeral 127.0.0.1 port, find that port, read its RSS after a forced GC and its
// CPU time, stop it, and bound the whole run in time. Linux only: it reads /proc.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GATEWAY_SCRIPT = 'apps/gateway/dist/main.js';
export const SUBPROTOCOL = 'switchboard.v1';

/** Every child process started through this module; all are SIGKILLed when the benchmark exits. */
export const children = new Set();

/**
 * Kills the children on any exit, turns SIGINT/SIGTERM into an exit, and gives up after
 * `timeoutS` seconds. Returns the deadline timer (clear it once the work is done).
 */
export function guardRun(name, timeoutS) {
  process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  return setTimeout(() => {
    process.stderr.write(`${name}: gave up after ${timeoutS} s (--timeout-s)\n`);
    process.exit(1);
  }, timeoutS * 1000);
}

/** A function that prints `<name>: message` and exits 2 (bad usage or setup). */
export function failer(name) {
  return (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  };
}

/** Reads integer flags from parseArgs `values`: integer('n') or integer('warmup', 0); a bad value ends the run via `fail`. */
export function integerOptions(values, fail) {
  return (name, min = 1) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) fail(`--${name}: expected an integer ≥ ${min}, got ${values[name]}`);
    return value;
  };
}

/**
 * Each side of a connection holds a descriptor and the server child inherits this limit.
 * `who` completes the message, e.g. "N=5000 needs about 5456 in this process and in the server".
 */
export async function checkOpenFiles(needed, who, fail) {
  const limits = await readFile('/proc/self/limits', 'utf8');
  const [, soft, hard] = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (soft !== 'unlimited' && Number(soft) < needed) {
    fail(
      `the open-files limit (ulimit -n) is ${soft} (hard ${hard}); ${who}.\n` +
        `  Run bench/run.sh (it raises the soft limit to 65536, or to the hard limit if that is lower), or \`ulimit -n 65536\` first.`,
    );
  }
}

/** The gateway's environment with real JWT verification (HS256) and the server API on. */
export function jwtGatewayEnv(overrides = {}) {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    HANDSHAKE_RATE_PER_IP: '1000000',
    // Every benchmark client is 127.0.0.1: the per-IP limits would measure themselves.
    TICKET_RATE_PER_IP: '1000000',
    TICKET_RATE_PER_USER: '1000000',
    MAX_PENDING_REQUESTS_PER_IP: '1000000',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    API_KEY: randomBytes(32).toString('base64url'),
    RATE_LIMIT_MESSAGES: '1000000',
    RATE_LIMIT_BURST: '1000000',
    ...overrides,
  };
}

/**
 * Starts `node --inspect=127.0.0.1:0 <script>` with a clean environment (PATH plus `env`).
 * The inspector is how a benchmark forces a GC in the server before reading its RSS.
 * @returns the child, its last 4000 characters of output, and its inspector URL once known.
 */
export function spawnServer(script, env) {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', join(ROOT, script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
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
  return { child, output: () => output, inspector: () => inspector };
}

/**
 * Starts the built gateway and waits until it accepts WebSockets; throws (with its last output)
 * when it exits or does not get ready, e.g. while someone rebuilds dist.
 */
export async function startGateway(env) {
  if (!existsSync(join(ROOT, GATEWAY_SCRIPT))) throw new Error(`${GATEWAY_SCRIPT} is missing; run \`npm run build\` first`);
  const server = spawnServer(GATEWAY_SCRIPT, env);
  try {
    const port = await listeningPort(server.child, server.inspector);
    const base = `http://127.0.0.1:${port}`;
    await waitReady(base, server.child);
    return { ...server, pid: server.child.pid, port, base, wsUrl: `ws://127.0.0.1:${port}/ws` };
  } catch (error) {
    error.message += `\n--- last output of the gateway ---\n${server.output()}`;
    await stopServer(server.child);
    throw error;
  }
}

/**
 * The port the child serves on, found through /proc (the gateway logs it only at LOG_LEVEL=info):
 * its listening socket other than the inspector's.
 */
export async function listeningPort(child, inspectorUrl) {
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
export async function waitReady(base, child) {
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    const ok = await fetch(`${base}/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${base}/ready did not answer 200`);
}

/** A session on the server's inspector (Chrome DevTools protocol): call(method, params) → result. */
export async function inspectorSession(inspectorUrl) {
  const ws = new WebSocket(inspectorUrl, { maxPayload: 1024 * 2 ** 20 });
  await once(ws, 'open');
  const waiting = new Map();
  let next = 1;
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    const waiter = waiting.get(message.id);
    if (!waiter) return;
    waiting.delete(message.id);
    message.error ? waiter.reject(new Error(`${waiter.method}: ${message.error.message}`)) : waiter.resolve(message.result);
  });
  ws.on('close', () => waiting.forEach((waiter) => waiter.reject(new Error(`${waiter.method}: inspector closed`))));
  return {
    call: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { method, resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** Calls one inspector method in the server and returns its result. */
export async function inspectorCall(inspectorUrl, method, params = {}) {
  const session = await inspectorSession(inspectorUrl);
  try {
    return await session.call(method, params);
  } finally {
    session.close();
  }
}

/** RSS after a full GC (in KiB), so garbage does not count as memory held. */
export async function settledRss(pid, inspectorUrl, settleMs = 2_000) {
  await sleep(settleMs);
  await inspectorCall(inspectorUrl, 'HeapProfiler.collectGarbage');
  await sleep(500);
  return rssKiB(pid);
}

export async function rssKiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]);
}

/** utime + stime of a process, in ms (Linux USER_HZ is 100). */
export async function cpuMs(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** utime and stime of a process, in ms. */
export async function cpuTimesMs(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

/** CPU time of the whole machine, in ms: busy (all but idle and iowait) and the number of CPUs. */
export async function machineCpuMs() {
  const text = await readFile('/proc/stat', 'utf8');
  const [user, nice, system, idle, iowait, irq, softirq, steal] = text.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const cpus = text.split('\n').filter((line) => /^cpu\d+ /.test(line)).length;
  return { busy: (user + nice + system + irq + softirq + steal) * 10, cpus };
}

/** One sample per series of `name` in a Prometheus text page: Map of label string → value. */
export function metricSamples(text, name) {
  const samples = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match && match[1] === name) samples.set(match[2] ?? '', Number(match[3]));
  }
  return samples;
}

/** SIGTERM (the gateway drains), SIGKILL when it takes more than 5 s. */
export async function stopServer(child) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    // The gateway drains on SIGTERM; with no connections left that is quick, but do not wait on it forever.
    if ((await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)])) === false) child.kill('SIGKILL');
  }
  children.delete(child);
}

/**
 * Starts the gateway, retrying twice a minute apart: another engineer may be rebuilding
 * dist. Exits the process when it never comes up.
 */
export async function startGatewayWithRetries(env, name, retries = 3, waitMs = 60_000) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startGateway(env);
    } catch (error) {
      if (attempt >= retries) {
        process.stderr.write(`[${name}] ${error.message}\n`);
        process.exit(1);
      }
      process.stderr.write(`[${name}] gateway did not start (${error.message.split('\n')[0]}); retrying in ${waitMs / 1000} s\n`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
