import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ScriptedGateway, type ReceivedFrame, type Reply } from '../support/scripted-gateway.js';

const SDK_PROCESS = fileURLToPath(new URL('../support/scripted-sdk-process.mjs', import.meta.url));

type Line = { event: string; [field: string]: any };

/** The SDK in a Node process of its own, driven through stdin; its stdout lines are parsed as they come. */
function runSdk(url: string) {
  const child = spawn(process.execPath, [SDK_PROCESS, url], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  const waiters = new Set<() => void>();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const complete = stdout.split('\n');
    stdout = complete.pop()!;
    lines.push(...complete.map((text) => JSON.parse(text) as Line));
    for (const waiter of [...waiters]) waiter();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close' rather than 'exit': it comes once stdout is read to the end.
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    command: (command: object) => child.stdin.write(`${JSON.stringify(command)}\n`),
    /** Resolves once some line matches; rejects, with the process's stderr, if it ends first. */
    line(match: (line: Line) => boolean): Promise<Line> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (!found) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
        void exited.then(([code, signal]) => reject(new Error(`the SDK process ended (${code ?? signal}) before the line came:\n${stderr}`)));
      });
    },
  };
}

/** The client's state changes, as `previous→state`. */
const transitions = (lines: Line[]) => lines.filter((l) => l.event === 'state').map((l) => `${l.previous}→${l.state}`);

const limits = { maxConnectionsPerUser: 5, rateLimit: { messages: 100, intervalMs: 1_000, burst: 50 }, maxMessageBytes: 65_536, heartbeatMs: 25_000 };
const publication = { channel: 'room:1', payload: 'x', offset: 1, epoch: 'e1', ts: 1 };
const error = { code: 'INTERNAL', message: 'm', recoverable: true };

const json = JSON.stringify;

/** Frames no v1 gateway sends, as wire text: each must be reported as INVALID_FRAME and change nothing else. */
const HOSTILE: Array<[string, string]> = [
  ['null', 'null'],
  ['a number', '42'],
  ['a string', '"welcome"'],
  ['an array', json([{ type: 'ack', id: 'x', ts: 1 }])],
  ['text that is not JSON', '{"type":'],
  ['a frame without type', json({ ts: 1 })],
  ['__proto__ as type', '{"type":"__proto__","ts":1}'],
  ['constructor as type', json({ type: 'constructor', ts: 1 })],
  ['a type protocol v1 does not have', json({ type: 'presence', ts: 1 })],
  ['a welcome without payload', json({ type: 'welcome', ts: 1 })],
  ['a second, valid, welcome', json({ type: 'welcome', payload: { connectionId: 'c2', userId: 'u', protocol: 1, heartbeatMs: 25_000, expiresAt: 2e12, limits, serverTime: 1 }, ts: 1 })],
  ['a welcome without limits', json({ type: 'welcome', payload: { connectionId: 'c', userId: 'u', protocol: 1, heartbeatMs: 1, expiresAt: 1, serverTime: 1 }, ts: 1 })],
  ['an ack with a numeric id', json({ type: 'ack', id: 1, ts: 1 })],
  ['an ack without id', json({ type: 'ack', payload: {}, ts: 1 })],
  ['an error with an object id', json({ type: 'error', id: {}, payload: error, ts: 1 })],
  ['an error whose payload is null', json({ type: 'error', payload: null, ts: 1 })],
  ['an error whose code is a number', json({ type: 'error', payload: { ...error, code: 500 }, ts: 1 })],
  ['an error without recoverable', json({ type: 'error', payload: { code: 'INTERNAL', message: 'm' }, ts: 1 })],
  ['a pong with an object id', json({ type: 'pong', id: { startsWith: 1 }, ts: 1 })],
  ['a reconnect with a string afterMs', json({ type: 'reconnect', payload: { afterMs: 'soon', reason: 'r' }, ts: 1 })],
  ['a message without offset', json({ ...publication, type: 'message', offset: undefined })],
  ['a message with a negative offset', json({ ...publication, type: 'message', offset: -1 })],
  ['a message with a fractional offset', json({ ...publication, type: 'message', offset: 1.5 })],
  ['a message with a numeric epoch', json({ ...publication, type: 'message', epoch: 7 })],
  ['a message with a numeric channel', json({ ...publication, type: 'message', channel: 1 })],
];

/** A gateway that acks subscribes (at epoch e1, offset 0) and answers `echo` requests with their payload. */
function answering(frame: ReceivedFrame, reply: Reply): void {
  if (frame.type === 'subscribe') reply({ type: 'ack', id: frame.id, payload: { channel: frame.channel, epoch: 'e1', offset: 0, recovered: false, publications: [] } });
  if (frame.type === 'echo') reply({ type: 'ack', id: frame.id, payload: { echo: frame.payload } });
}

describe('the SDK against a hostile server, in a Node process', () => {
  let gateway: ScriptedGateway;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    gateway = await ScriptedGateway.start();
    gateway.answer = answering;
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill();
    await gateway.close();
  });

  it('survives every malformed frame, reports each as a recoverable INVALID_FRAME, and still round-trips a request', async () => {
    const sdk = runSdk(gateway.url);
    child = sdk.child;
    sdk.command({ subscribe: 'room:1' });
    await sdk.line((l) => l.event === 'subscription' && l.state === 'subscribed');

    const [first, ...rest] = HOSTILE.map(([, frame]) => frame);
    gateway.send(first!);
    // Valid, but for a channel never subscribed: dropped without a word.
    gateway.send(json({ ...publication, type: 'message', channel: 'room:never' }));
    for (const frame of rest) gateway.send(frame);
    await sdk.line((l) => l.event === 'error' && sdk.lines.filter((e) => e.event === 'error').length === HOSTILE.length);

    const errors = sdk.lines.filter((l) => l.event === 'error');
    expect(errors).toEqual(HOSTILE.map(() => expect.objectContaining({ name: 'SwitchboardError', code: 'INVALID_FRAME', recoverable: true })));
    expect(errors[0]!.message).toContain('frame must be a JSON object');
    expect(errors[4]!.message).toContain('not valid JSON');
    expect(errors[6]!.message).toContain('unknown frame type "__proto__"');
    expect(errors[9]!.message).toContain('"payload"');
    expect(errors[10]!.message).toContain('a second one on the same connection');
    expect(sdk.lines.filter((l) => l.event === 'message')).toEqual([]);

    sdk.command({ request: 'echo', payload: { n: 1 } });
    expect(await sdk.line((l) => l.event === 'reply' || l.event === 'rejected')).toEqual({ event: 'reply', payload: { echo: { n: 1 } } });
    // One connection throughout: no malformed frame after the welcome costs a reconnect.
    expect(gateway.connections).toBe(1);
    expect(transitions(sdk.lines)).toEqual(['connecting→open']);
    expect(sdk.child.exitCode).toBeNull();

    sdk.child.stdin.end();
    const [code, signal] = await sdk.exited;
    expect({ code, signal, stderr: sdk.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('refuses a malformed subscribe ack, and takes the valid one that follows for the same subscribe', async () => {
    gateway.answer = (frame, reply) => {
      if (frame.type === 'subscribe') reply({ type: 'ack', id: frame.id, payload: { channel: frame.channel, epoch: 'e1', offset: 0, recovered: true, publications: null } });
      answering(frame, reply);
    };
    const sdk = runSdk(gateway.url);
    child = sdk.child;
    sdk.command({ subscribe: 'room:1' });
    await sdk.line((l) => l.event === 'subscription' && l.state === 'subscribed');
    expect(sdk.lines.filter((l) => l.event === 'error')).toEqual([
      expect.objectContaining({ code: 'INVALID_FRAME', recoverable: true, message: expect.stringContaining('is not a subscribe ack') }),
    ]);
    expect(sdk.lines.filter((l) => l.event === 'subscription').map((l) => l.state)).toEqual(['subscribed']);
    expect(gateway.count('subscribe')).toBe(1);

    sdk.command({ request: 'echo', payload: 2 });
    expect(await sdk.line((l) => l.event === 'reply' || l.event === 'rejected')).toEqual({ event: 'reply', payload: { echo: 2 } });
    sdk.child.stdin.end();
    expect((await sdk.exited)[0]).toBe(0);
    expect(sdk.stderr()).toBe('');
  });

  it('drops a connection whose welcome is malformed and reconnects, instead of waiting on it forever', async () => {
    gateway.greeting = (n, payload) => (n === 1 ? { type: 'welcome', payload: { ...payload, limits: null } } : { type: 'welcome', payload });
    const sdk = runSdk(gateway.url);
    child = sdk.child;
    await sdk.line((l) => l.event === 'state' && l.state === 'open');
    expect(sdk.lines.filter((l) => l.event === 'error')).toEqual([
      expect.objectContaining({ code: 'INVALID_FRAME', recoverable: true, message: expect.stringContaining('"payload.limits"') }),
    ]);
    expect(transitions(sdk.lines)).toEqual(['connecting→reconnecting', 'reconnecting→open']);
    expect(gateway.connections).toBe(2);

    sdk.command({ request: 'echo', payload: 'after' });
    expect(await sdk.line((l) => l.event === 'reply' || l.event === 'rejected')).toEqual({ event: 'reply', payload: { echo: 'after' } });
    sdk.child.stdin.end();
    expect((await sdk.exited)[0]).toBe(0);
    expect(sdk.stderr()).toBe('');
  });
});
