import type { SdkEvent } from '../support/event-log.js';
import { FakeGateway, type FakeConnection, type SentFrame } from '../support/fake-gateway.js';
import { SdkChild } from '../support/sdk-child.js';

/** The SDK in a Node process of its own, subscribed to `channel` from the start if one is given. */
const runSdk = (url: string, channel?: string) => SdkChild.start({ url, channel, options: { backoff: { initialMs: 20, factor: 2, maxMs: 200 } } });

/** A request's outcome, as `{event: 'reply', payload}` or `{event: 'rejected', name, code, recoverable, message}`. */
async function request(sdk: SdkChild, type: string, payload: SdkEvent['payload']): Promise<SdkEvent> {
  const { ok, payload: value, name, code, recoverable, message } = await sdk.request(type, payload);
  return ok ? { event: 'reply', payload: value } : { event: 'rejected', name, code, recoverable, message };
}

/** The client's state changes, as `previous→state`. */
const transitions = (lines: SdkEvent[]) => lines.filter((l) => l.event === 'state').map((l) => `${l.previous}→${l.state}`);

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
function answering(frame: SentFrame, connection: FakeConnection): void {
  const reply = (answer: { type: string; [field: string]: unknown }) => connection.send(answer);
  if (frame.type === 'ping') reply({ type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) });
  if (frame.type === 'subscribe') reply({ type: 'ack', id: frame.id, payload: { channel: frame.channel, epoch: 'e1', offset: 0, recovered: false, publications: [] } });
  if (frame.type === 'echo') reply({ type: 'ack', id: frame.id, payload: { echo: frame.payload } });
}

describe('the SDK against a hostile server, in a Node process', () => {
  let gateway: FakeGateway;
  let child: SdkChild | undefined;
  beforeEach(async () => {
    gateway = await FakeGateway.start({ limits: { rateLimit: { messages: 100, intervalMs: 1_000, burst: 50 } }, answer: answering });
  });
  afterEach(async () => {
    if (child?.alive) child.child.kill();
    child = undefined;
    await gateway.close();
  });

  it('survives every malformed frame, reports each as a recoverable INVALID_FRAME, and still round-trips a request', async () => {
    const sdk = runSdk(gateway.url, 'room:1');
    child = sdk;
    await sdk.log.next((l) => l.event === 'subscription' && l.state === 'subscribed', 'room:1 subscribed');

    const [first, ...rest] = HOSTILE.map(([, frame]) => frame);
    const connection = gateway.latest()!;
    connection.sendText(first!);
    // Valid, but for a channel never subscribed: dropped without a word.
    connection.sendText(json({ ...publication, type: 'message', channel: 'room:never' }));
    for (const frame of rest) connection.sendText(frame);
    await sdk.log.nth(HOSTILE.length, (l) => l.event === 'error', `${HOSTILE.length} errors`);

    const errors = sdk.log.named('error');
    expect(errors).toEqual(HOSTILE.map(() => expect.objectContaining({ name: 'SwitchboardError', code: 'INVALID_FRAME', recoverable: true })));
    expect(errors[0]!.message).toContain('frame must be a JSON object');
    expect(errors[4]!.message).toContain('not valid JSON');
    expect(errors[6]!.message).toContain('unknown frame type "__proto__"');
    expect(errors[9]!.message).toContain('"payload"');
    expect(errors[10]!.message).toContain('a second one on the same connection');
    expect(sdk.log.named('message')).toEqual([]);

    expect(await request(sdk, 'echo', { n: 1 })).toEqual({ event: 'reply', payload: { echo: { n: 1 } } });
    // One connection throughout: no malformed frame after the welcome costs a reconnect.
    expect(gateway.connections.length).toBe(1);
    expect(transitions(sdk.log.events)).toEqual(['connecting→open']);
    expect(sdk.child.exitCode).toBeNull();

    const { code, signal } = await sdk.stop();
    expect({ code, signal, stderr: sdk.stderr(true) }).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('refuses a malformed subscribe ack, and takes the valid one that follows for the same subscribe', async () => {
    gateway.answer = (frame, connection) => {
      if (frame.type === 'subscribe') connection.send({ type: 'ack', id: frame.id, payload: { channel: frame.channel, epoch: 'e1', offset: 0, recovered: true, publications: null } });
      answering(frame, connection);
    };
    const sdk = runSdk(gateway.url, 'room:1');
    child = sdk;
    await sdk.log.next((l) => l.event === 'subscription' && l.state === 'subscribed', 'room:1 subscribed');
    expect(sdk.log.named('error')).toEqual([
      expect.objectContaining({ code: 'INVALID_FRAME', recoverable: true, message: expect.stringContaining('is not a subscribe ack') }),
    ]);
    expect(sdk.log.named('subscription').map((l) => l.state)).toEqual(['subscribed']);
    expect(gateway.frames('subscribe').length).toBe(1);

    expect(await request(sdk, 'echo', 2)).toEqual({ event: 'reply', payload: { echo: 2 } });
    expect((await sdk.stop()).code).toBe(0);
    expect(sdk.stderr(true)).toBe('');
  });

  it('drops a connection whose welcome is malformed and reconnects, instead of waiting on it forever', async () => {
    gateway.greeting = (n, payload) => (n === 1 ? { type: 'welcome', payload: { ...payload, limits: null } } : { type: 'welcome', payload });
    const sdk = runSdk(gateway.url);
    child = sdk;
    await sdk.log.state('open');
    expect(sdk.log.named('error')).toEqual([
      expect.objectContaining({ code: 'INVALID_FRAME', recoverable: true, message: expect.stringContaining('"payload.limits"') }),
    ]);
    expect(transitions(sdk.log.events)).toEqual(['connecting→reconnecting', 'reconnecting→open']);
    expect(gateway.connections.length).toBe(2);

    expect(await request(sdk, 'echo', 'after')).toEqual({ event: 'reply', payload: { echo: 'after' } });
    expect((await sdk.stop()).code).toBe(0);
    expect(sdk.stderr(true)).toBe('');
  });
});
