import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.js';
import { connect, type TestSocket } from '../support/test-socket.js';
import { TEST_SECRET, signToken } from '../support/tokens.js';
import { waitFor } from '../support/wait.js';

/**
 * `npm run cluster` end to end: its own redis-server, two gateway nodes and nginx, driven
 * only through nginx (and each node's own port to see where connections landed). nginx must
 * be installed (.ci/run installs it); when it is not, the script says so and this fails.
 */
const SCRIPT = fileURLToPath(new URL('../../scripts/cluster.mjs', import.meta.url));
const API_KEY = 'test-api-key-0123456789abcdef0123456789';
/** Redis, two Nest starts and nginx on a loaded two-core machine; the script's own limit is 30 s per step. */
const START_DEADLINE_MS = 50_000;

interface ClusterState {
  pids: Record<string, number>;
}

interface Ports {
  nginx: number;
  node1: number;
  node2: number;
  redis: number;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** scripts/cluster.mjs as a child of the test, with its own folder and free ports. */
class ClusterRun {
  readonly dir = mkdtempSync(join(tmpdir(), 'sb-cluster-test-'));
  output = '';
  ports!: Ports;
  script!: ChildProcess;
  exited!: Promise<unknown[]>;

  /** Starts the script with `env` on top of the test's settings; resolves once it printed that the cluster is up. */
  async start(env: Record<string, string> = {}): Promise<void> {
    await this.launch(env);
    await Promise.race([
      waitFor(this.script.stdout!, 'data', () => this.output.includes('switchboard cluster is up'), 'the cluster to start', START_DEADLINE_MS),
      this.exited.then(([code]) => {
        throw new Error(`scripts/cluster.mjs exited with ${code} before the cluster was up`);
      }),
    ]).catch((error: Error) => {
      throw new Error(`${error.message}\n--- script output ---\n${this.output}`);
    });
  }

  /** Runs the script on free ports, without waiting for anything. */
  async launch(env: Record<string, string> = {}): Promise<void> {
    const ports = (this.ports = { nginx: await freePort(), node1: await freePort(), node2: await freePort(), redis: await freePort() });
    const inherited = Object.fromEntries(['PATH', 'HOME', 'NGINX_BIN'].filter((name) => process.env[name]).map((name) => [name, process.env[name]]));
    this.script = spawn(process.execPath, [SCRIPT], {
      env: {
        ...inherited,
        CLUSTER_DIR: this.dir,
        CLUSTER_NGINX_PORT: String(ports.nginx),
        CLUSTER_NODE1_PORT: String(ports.node1),
        CLUSTER_NODE2_PORT: String(ports.node2),
        CLUSTER_REDIS_PORT: String(ports.redis),
        JWT_SECRET: TEST_SECRET,
        API_KEY,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.script.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.script.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = once(this.script, 'exit');
  }

  state(): ClusterState {
    return JSON.parse(readFileSync(join(this.dir, 'cluster.json'), 'utf8'));
  }

  /** Pids of the cluster's children that still run, and ports still listened on. */
  async leftovers(pids: Record<string, number>): Promise<{ processes: string[]; ports: number[] }> {
    const ports: number[] = [];
    for (const port of Object.values(this.ports)) if (await listening(port)) ports.push(port);
    return { processes: Object.entries(pids).filter(([, pid]) => alive(pid)).map(([name]) => name), ports };
  }

  /** Never leaves the cluster behind, whatever a test did: SIGTERM, then SIGKILL what still runs. */
  async dispose(): Promise<void> {
    if (this.script && this.script.exitCode === null && this.script.signalCode === null) {
      this.script.kill('SIGTERM');
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 40_000))]);
    }
    try {
      for (const pid of Object.values(this.state().pids)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // no cluster.json: the cluster never came up, and the script stopped what it started
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Each node's own count of open WebSocket connections (its /metrics gauge). */
async function activeConnections(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('switchboard_connections_active '));
  return Number(line?.split(' ')[1]);
}

describe('npm run cluster (scripts/cluster.mjs)', () => {
  const run = new ClusterRun();
  const via = (path: string) => `http://127.0.0.1:${run.ports.nginx}${path}`;
  const wsUrl = () => `ws://127.0.0.1:${run.ports.nginx}/ws`;
  const connectAs = async (user: string) => (await connect(wsUrl(), { headers: { authorization: `Bearer ${await signToken(user)}` } })).client;
  const publish = (channel: string, payload: unknown) =>
    fetch(via('/api/publish'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ channel, payload }),
    });

  beforeAll(() => run.start(), START_DEADLINE_MS + 5_000);
  afterAll(() => run.dispose(), 45_000);

  it('answers through nginx, with URLs built from PUBLIC_URL (the nginx address)', async () => {
    expect((await fetch(via('/health'))).status).toBe(200);
    const config = await (await fetch(via('/ws/config'))).json();
    expect(config.websocket.url).toBe(wsUrl());
    expect(config.auth.ticketUrl).toBe(via('/ws/ticket'));
    // Prometheus metrics stay on each node's own port.
    expect((await fetch(via('/metrics'))).status).toBe(404);
  });

  it('delivers server API publishes made through nginx to clients connected through nginx', async () => {
    const alice = await connectAs('cluster-alice');
    // A ticket is minted by one node and may be spent on the other: it lives in Redis.
    const response = await fetch(via('/ws/ticket'), { method: 'POST', headers: { authorization: `Bearer ${await signToken('cluster-bob')}` } });
    expect(response.status).toBe(201);
    const ticket = await response.json();
    expect(ticket.url.startsWith(`${wsUrl()}?ticket=`)).toBe(true);
    const { client: bob } = await connect(ticket.url);
    for (const [client, user] of [[alice, 'cluster-alice'], [bob, 'cluster-bob']] as Array<[TestSocket, string]>) {
      expect(await client.request({ type: 'subscribe', id: 's', channel: `user:${user}` })).toMatchObject({ type: 'ack', id: 's' });
    }
    // Round robin sends these two publishes to different nodes, so each crosses Redis to reach someone.
    for (const user of ['cluster-alice', 'cluster-bob']) expect((await publish(`user:${user}`, { to: user })).status).toBe(200);
    expect(await alice.nextOfType('message')).toMatchObject({ channel: 'user:cluster-alice', payload: { to: 'cluster-alice' } });
    expect(await bob.nextOfType('message')).toMatchObject({ channel: 'user:cluster-bob', payload: { to: 'cluster-bob' } });
    await alice.close();
    await bob.close();
  });

  it('spreads connections over both nodes (round robin)', async () => {
    const clients: TestSocket[] = [];
    // One request each (the JWT in the upgrade's header), so consecutive handshakes alternate nodes.
    for (let i = 0; i < 4; i++) clients.push(await connectAs(`cluster-spread-${i}`));
    // The previous test's clients may still be leaving their nodes: wait until only these four count.
    let counts: number[] = [];
    const deadline = Date.now() + 5_000;
    for (;;) {
      counts = [await activeConnections(run.ports.node1), await activeConnections(run.ports.node2)];
      if (counts[0] + counts[1] === 4 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(counts).toEqual([2, 2]);
    await Promise.all(clients.map((client) => client.close()));
    // nginx's access log names the node of every proxied request ("-": answered by nginx itself).
    const upstreams = new Set([...readFileSync(join(run.dir, 'nginx', 'access.log'), 'utf8').matchAll(/upstream=(127\S+)/g)].map((m) => m[1]));
    expect(upstreams).toEqual(new Set([`127.0.0.1:${run.ports.node1}`, `127.0.0.1:${run.ports.node2}`]));
  });

  it('stops every child on SIGTERM and leaves no process and no port behind', async () => {
    const { pids } = run.state();
    expect(Object.keys(pids).sort()).toEqual(['gateway-1', 'gateway-2', 'nginx', 'redis']);
    run.script.kill('SIGTERM');
    const [code] = await run.exited;
    expect(code).toBe(0);
    expect(run.output).toContain('cluster: stopped');
    expect(await run.leftovers(pids)).toEqual({ processes: [], ports: [] });
  }, 45_000);
});

describe('npm run cluster when something is wrong', () => {
  const run = new ClusterRun();
  afterAll(() => run.dispose(), 45_000);

  it('goes down as a whole, saying which child died, when one dies', async () => {
    await run.start();
    const { pids } = run.state();
    process.kill(pids['gateway-2'], 'SIGKILL');
    const [code] = await run.exited;
    expect(code).toBe(1);
    expect(run.output).toContain(`gateway-2 (pid ${pids['gateway-2']}) killed by SIGKILL; stopping the cluster`);
    expect(await run.leftovers(pids)).toEqual({ processes: [], ports: [] });
  }, START_DEADLINE_MS + 45_000);

  it('refuses to start without nginx, saying how to install it', async () => {
    const missing = new ClusterRun();
    await missing.launch({ NGINX_BIN: join(missing.dir, 'no-nginx-here') });
    const [code] = await missing.exited;
    await missing.dispose();
    expect(code).toBe(1);
    expect(missing.output).toContain('nginx not found');
    expect(missing.output).toContain('apt-get install -y nginx');
  });
});
