import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../support/free-port.js';
import { useGateway } from '../support/gateway-resource.js';
import { connect, refusedHandshake, type TestSocket } from '../support/test-socket.js';
import { SECRET_ENV, signToken, ticketUrl } from '../support/tokens.js';
import { waitFor } from '../support/wait.js';

/**
 * A gateway on ENGINE=redis whose Redis goes away under it: frozen (SIGSTOP: the TCP
 * connection stays up, nothing answers), then killed and started again. This file's Redis
 * is its own, on a free port, holding nothing but this run.
 */

const API_KEY = 'test-api-key-0123456789abcdef0123456789';
const USER = 'redis-down-user';
const CHANNEL = `user:${USER}`;
/** How long Redis may take to start, and the gateway to notice Redis gone or back. */
const DEADLINE_MS = 10_000;

/** A `redis-server` of this file's own, with nothing persisted. */
class OwnRedis {
  private child?: ChildProcess;
  private output = '';

  constructor(readonly port: number) {}

  /** Starts it and resolves once it accepts connections. */
  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.output = '';
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await waitFor(
      child.stdout!,
      'data',
      () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${this.output}`);
        return this.output.includes('Ready to accept connections') || undefined;
      },
      `redis-server on port ${this.port}`,
      DEADLINE_MS,
    );
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Kills it (a stopped one too) and resolves once it has exited. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

/** Polls `check` until it returns something other than undefined; fails saying what was awaited after `timeoutMs`. */
async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a gateway whose Redis goes away', () => {
  let redis: OwnRedis;
  let client: TestSocket | undefined;
  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
  });
  const gw = useGateway(() => ({
    ...SECRET_ENV,
    API_KEY,
    ENGINE: 'redis',
    REDIS_URL: `redis://127.0.0.1:${redis.port}/0`,
    REDIS_PREFIX: 'sb-redis-down',
    NODE_ID: 'redis-down',
  }));
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await redis?.kill();
  });

  const ready = async () => {
    const response = await fetch(gw.http('/ready'));
    return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
  };
  const publishFrame = (id: string) => client!.request({ type: 'publish', id, channel: CHANNEL, payload: { id } });
  const apiPublish = () =>
    fetch(gw.http('/api/publish'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ channel: CHANNEL, payload: { from: 'api' } }),
    });

  /** What every Redis outage must look like from outside, whatever the outage. */
  async function expectServingWithoutEngine(label: string): Promise<void> {
    const notReady = await until(async () => {
      const answer = await ready();
      return answer.status === 503 ? answer : undefined;
    }, `/ready to answer 503 (${label})`);
    expect(notReady.body.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/^engine redis does not answer: \S/) });

    // The open socket stays open: a ping costs no token and needs no Redis.
    expect(await client!.request({ type: 'ping', id: `ping-${label}` })).toMatchObject({ type: 'pong' });
    const refused = await publishFrame(`publish-${label}`);
    expect(refused).toMatchObject({ type: 'error', payload: { code: 'ENGINE_UNAVAILABLE', recoverable: true, retryAfterMs: expect.any(Number) } });

    const handshake = await refusedHandshake(gw.ws(), { headers: { authorization: `Bearer ${await signToken('redis-down-newcomer')}` } });
    expect(handshake.status).toBe(503);
    expect(handshake.body.error.code).toBe('ENGINE_UNAVAILABLE');
    expect(handshake.headers['retry-after']).toBeDefined();

    const ticket = await fetch(gw.http('/ws/ticket'), { method: 'POST', headers: { authorization: `Bearer ${await signToken('redis-down-newcomer')}` } });
    expect(ticket.status).toBe(503);
    expect(ticket.headers.get('retry-after')).not.toBeNull();
    expect(((await ticket.json()) as { error: { code: string } }).error.code).toBe('ENGINE_UNAVAILABLE');
    const api = await apiPublish();
    expect(api.status).toBe(503);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('ENGINE_UNAVAILABLE');

    expect(client!.socket.readyState).toBe(client!.socket.OPEN);
    expect(gw.child.exitCode).toBeNull();
    expect((await fetch(gw.http('/health'))).status).toBe(200);
  }

  /** Redis is back: `/ready` is 200 again, and a publish through the open socket is acked. */
  async function expectRecovered(label: string): Promise<void> {
    await until(async () => ((await ready()).status === 200 ? true : undefined), `/ready to answer 200 again (${label})`);
    // The first command after a reconnect may still meet the old connection's end: retry as a client would.
    const ack = await until(async () => {
      const answer = await publishFrame(`publish-after-${label}-${Date.now()}`);
      return answer.type === 'ack' ? answer : undefined;
    }, `a publish to be acked (${label})`);
    expect(ack.payload).toMatchObject({ offset: expect.any(Number), epoch: expect.any(String) });
    expect((await apiPublish()).status).toBe(200);
  }

  it('serves a subscribed socket while Redis answers', async () => {
    expect((await ready()).status).toBe(200);
    ({ client } = await connect(await ticketUrl(gw, USER, { publish: [CHANNEL] })));
    expect(await client.request({ type: 'subscribe', id: 'sub', channel: CHANNEL })).toMatchObject({ type: 'ack' });
    expect(await publishFrame('first')).toMatchObject({ type: 'ack', payload: { offset: 1 } });
  });

  it('keeps serving what needs no Redis while Redis is frozen, refuses the rest ENGINE_UNAVAILABLE, and recovers', async () => {
    redis.signal('SIGSTOP');
    try {
      await expectServingWithoutEngine('frozen');
    } finally {
      redis.signal('SIGCONT');
    }
    await expectRecovered('frozen');
  });

  it('keeps serving while Redis is killed, and recovers once it is started again', async () => {
    await redis.kill();
    await expectServingWithoutEngine('killed');
    await redis.start();
    await expectRecovered('killed');
    // One warning per outage, not a stack per frame.
    const failures = gw.logs().filter((line) => line.msg === 'handler failed' || line.msg === 'frame handling failed');
    expect(failures).toEqual([]);
  });
});
