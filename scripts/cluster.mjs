#!/usr/bin/env node
// `npm run cluster`: the topology of docker-compose.yml as local processes, for a developer:
// a redis-server of its own (or yours, with REDIS_URL), two gateway nodes (ENGINE=redis) and
// nginx in front, round robin, from the same deploy/cluster.env and nginx template.
// Ctrl-C or SIGTERM stops everything; a child that dies stops everything. See docs/cluster.md.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnvFile } from './cluster/env-file.mjs';
import { findNginx, writeNginxConfig } from './cluster/nginx.mjs';
import { Supervisor } from './cluster/supervisor.mjs';
import { answers, redisAnswers, waitUntil } from './cluster/wait.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'apps/gateway/dist/main.js');
const SHARED_ENV = join(ROOT, 'deploy/cluster.env');
const NGINX_TEMPLATE = join(ROOT, 'deploy/nginx/switchboard.conf.template');
/** Covers a gateway's start on a loaded machine, including its wait for Redis (up to 10 s). */
const START_TIMEOUT_MS = 30_000;

/** Ports and paths, from the environment; the defaults leave 8080 to nginx like the compose file. */
function readSettings(env) {
  const port = (name, fallback) => {
    const text = env[name] || String(fallback);
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 65_535) fail(`${name}: expected a port from 1 to 65535 (got ${JSON.stringify(text)})`);
    return value;
  };
  return {
    nginxPort: port('CLUSTER_NGINX_PORT', 8080),
    nodePorts: [port('CLUSTER_NODE1_PORT', 8081), port('CLUSTER_NODE2_PORT', 8082)],
    redisPort: port('CLUSTER_REDIS_PORT', 6390),
    /** Set: use that Redis and start none. */
    redisUrl: env.REDIS_URL || undefined,
    dir: env.CLUSTER_DIR || undefined,
  };
}

function fail(message) {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(1);
}

/** A Redis URL fit to print: the password, if any, hidden. */
function shown(redisUrl) {
  try {
    const url = new URL(redisUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(REDIS_URL, unparsable)';
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Builds the gateway when its dist is missing, so a fresh clone runs with one command. */
function ensureBuilt() {
  if (existsSync(MAIN)) return;
  process.stdout.write('cluster: apps/gateway/dist/main.js missing; running npm run build:gateway first\n');
  const build = spawnSync('npm', ['run', 'build:gateway'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) fail('npm run build:gateway failed');
}

/** Refuses to start without what the topology needs, saying how to get it. */
function checkPrerequisites(settings) {
  const nginx = findNginx();
  if (!nginx) {
    fail(
      `nginx not found (${process.env.NGINX_BIN ? `NGINX_BIN=${process.env.NGINX_BIN} is not executable` : 'looked on PATH and in /usr/sbin, /usr/local/sbin'}). Install it, e.g.\n` +
        '  Debian/Ubuntu: sudo apt-get install -y nginx    macOS: brew install nginx\n' +
        'or set NGINX_BIN to its path. The system service need not run: the cluster starts its own nginx.',
    );
  }
  if (!settings.redisUrl && !onPath('redis-server')) {
    fail('redis-server not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server) or set REDIS_URL to a Redis to use.');
  }
  return nginx;
}

/** The environment of node `nodeId`: the shared file, then yours on top, then what is per node. */
function nodeEnv(shared, { nodeId, port, redisUrl, publicUrl }) {
  return { ...Object.fromEntries(shared), ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_ID: nodeId, REDIS_URL: redisUrl, PUBLIC_URL: publicUrl };
}

function banner({ nginxUrl, nodes, redis, dir, kept, placeholders }) {
  const lines = [
    '',
    'switchboard cluster is up: 2 gateway nodes (ENGINE=redis), nginx round robin in front',
    `  gateway      ${nginxUrl}   (WebSocket ${nginxUrl.replace(/^http/, 'ws')}/ws, discovery ${nginxUrl}/ws/config)`,
    ...nodes.map((node) => `  ${node.nodeId.padEnd(12)} http://127.0.0.1:${node.port}   (this node only: /metrics, /ready)`),
    `  redis        ${redis}`,
    `  files        ${dir}   (nginx config and access.log, cluster.json with the pids; ${kept ? 'kept' : 'removed'} when the cluster stops)`,
  ];
  if (placeholders) {
    lines.push(
      '',
      '  !!! JWT_SECRET and API_KEY are the PLACEHOLDERS of deploy/cluster.env: fine on this machine, never anywhere else.',
      '  !!! A token for user alice:  npm run --silent cluster:token -- alice',
    );
  }
  lines.push('', '  Ctrl-C stops the cluster.', '');
  return lines.join('\n') + '\n';
}

async function main() {
  const settings = readSettings(process.env);
  const nginxBin = checkPrerequisites(settings);
  ensureBuilt();
  const shared = readEnvFile(SHARED_ENV);
  const effective = (name) => process.env[name] || shared.get(name) || '';
  if (!effective('JWT_SECRET') && !effective('JWT_JWKS_URL')) {
    // Development mode signs with a random secret per process: a token from one node would fail on the other.
    fail('JWT_SECRET is empty: every node must verify tokens with the same key (development mode cannot form a cluster)');
  }

  const dir = settings.dir ?? mkdtempSync(join(tmpdir(), 'switchboard-cluster-'));
  mkdirSync(dir, { recursive: true });
  // nginx's workers drop root privileges: they must reach their temp folders in here.
  chmodSync(dir, 0o755);
  const nginxUrl = `http://127.0.0.1:${settings.nginxPort}`;
  const redisUrl = settings.redisUrl ?? `redis://127.0.0.1:${settings.redisPort}/0`;
  const nodes = settings.nodePorts.map((port, index) => ({ nodeId: `gateway-${index + 1}`, port }));

  const supervisor = new Supervisor();
  process.on('exit', () => supervisor.killAllNow());
  const stop = async (why, code) => {
    process.stderr.write(`\ncluster: ${why}; stopping the cluster\n`);
    await supervisor.stopAll();
    // A folder we made is ours to remove; a CLUSTER_DIR you chose stays for you to read.
    if (!settings.dir) rmSync(dir, { recursive: true, force: true });
    process.stderr.write('cluster: stopped\n');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (supervisor.stopping) {
        process.stderr.write(`cluster: ${signal} again; killing everything now\n`);
        process.exit(1);
      }
      void stop(`${signal} received`, 0);
    });
  }
  supervisor.failed.catch((error) => stop(`${error.message}`, 1));
  const wait = (what, probe) => waitUntil(what, probe, { timeoutMs: START_TIMEOUT_MS, failed: supervisor.failed });

  try {
    if (!settings.redisUrl) {
      const redisDir = join(dir, 'redis');
      mkdirSync(redisDir, { recursive: true });
      // No persistence, as in docker-compose.yml: nothing in Redis outlives a restart.
      supervisor.start('redis', 'redis-server', ['--port', String(settings.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir]);
      await wait(`redis-server on port ${settings.redisPort}`, () => redisAnswers('127.0.0.1', settings.redisPort));
    }
    for (const node of nodes) {
      supervisor.start(node.nodeId, process.execPath, ['--enable-source-maps', MAIN], {
        cwd: ROOT,
        env: nodeEnv(shared, { ...node, redisUrl, publicUrl: process.env.PUBLIC_URL || nginxUrl }),
      });
    }
    // /ready, not /health: 200 only once the node's engine answers.
    await Promise.all(nodes.map((node) => wait(`${node.nodeId} on port ${node.port}`, () => answers(`http://127.0.0.1:${node.port}/ready`))));

    const conf = writeNginxConfig({
      dir: join(dir, 'nginx'),
      templatePath: NGINX_TEMPLATE,
      values: {
        SWITCHBOARD_LISTEN: `127.0.0.1:${settings.nginxPort}`,
        SWITCHBOARD_NODE_1: `127.0.0.1:${nodes[0].port}`,
        SWITCHBOARD_NODE_2: `127.0.0.1:${nodes[1].port}`,
        // Not /dev/stdout as in the image: our children's stdout is a socket, which nginx cannot open().
        SWITCHBOARD_ACCESS_LOG: join(dir, 'nginx', 'access.log'),
      },
    });
    supervisor.start('nginx', nginxBin, ['-p', join(dir, 'nginx'), '-c', conf, '-e', 'stderr']);
    await wait(`nginx on port ${settings.nginxPort}`, () => answers(`${nginxUrl}/health`));
  } catch (error) {
    if (!supervisor.stopping) await stop(`could not start: ${error.message}`, 1);
    return;
  }

  writeFileSync(
    join(dir, 'cluster.json'),
    JSON.stringify({ url: nginxUrl, nodes: nodes.map((n) => ({ ...n, url: `http://127.0.0.1:${n.port}` })), redis: shown(redisUrl), pids: supervisor.pids() }, null, 2) + '\n',
  );
  const placeholders = effective('JWT_SECRET') === shared.get('JWT_SECRET') || effective('API_KEY') === shared.get('API_KEY');
  const redis = settings.redisUrl ? `${shown(redisUrl)}   (yours, from REDIS_URL)` : `${redisUrl}   (own redis-server, no persistence)`;
  process.stdout.write(banner({ nginxUrl, nodes, redis, dir, kept: Boolean(settings.dir), placeholders }));
}

await main();
