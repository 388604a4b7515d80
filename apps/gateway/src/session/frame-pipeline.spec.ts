import { jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { CloseCode, PolicyCloseReason } from '@switchboard/protocol';
import { PinoLogger } from 'nestjs-pino';
import type { WebSocket } from 'ws';
import { ManualClock } from '../clock/index.js';
import type { GatewayConfig } from '../config/index.js';
import { Connection } from '../connections/index.js';
import { EngineUnavailableError, type Engine, type RateDecision } from '../engine/index.js';
import { FrameError, type FrameHandler, type FrameHandlers } from '../frames/index.js';
import { MetricsService } from '../metrics/index.js';
import { FramePipeline } from './frame-pipeline.js';
import { Session } from './session.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A deferred answer, so a test decides when a handler finishes. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

function setup(handlers: FrameHandler[], decide: () => RateDecision | Promise<RateDecision> = () => ({ allowed: true })) {
  const rateLimit = { messages: 10, intervalMs: 1_000, burst: 2 };
  const config = { maxJsonDepth: 8, limits: { rateLimit } } as GatewayConfig;
  const engine = { rateLimiter: () => ({ consume: async () => decide() }) } as unknown as Engine;
  const byName = new Map(handlers.map((handler) => [handler.name, handler]));
  const table = { get: (type: string) => byName.get(type) ?? byName.get('application') } as unknown as FrameHandlers;
  const metrics = new MetricsService();
  const log = new PinoLogger({ pinoHttp: { level: 'silent' } });
  const errors = jest.spyOn(log, 'error');
  const warnings = jest.spyOn(log, 'warn');
  const clock = new ManualClock(1_000);
  const pipeline = new FramePipeline(config, engine, clock, table, metrics, log);

  const sent: Array<Record<string, any>> = [];
  const socket = Object.assign(new EventEmitter(), {
    bufferedAmount: 0,
    send: (text: string) => sent.push(JSON.parse(text)),
    close: jest.fn(),
  });
  const hooks = { clock, maxBufferedBytes: 1e9, onFrameSent: () => undefined, onCredentialExpired: () => undefined, onBackpressure: () => undefined };
  const connection = new Connection('c1', socket as unknown as WebSocket, { userId: 'u1', claims: {}, expiresAt: 1e12 }, hooks);
  pipeline.attach(new Session(connection, clock, rateLimit));
  const receive = (frame: unknown) => socket.emit('message', Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)), false);
  return { sent, socket, receive, metrics, errors, warnings, clock };
}

const handler = (name: string, sequential: boolean, handle: FrameHandler['handle'], free = false): FrameHandler => ({ name, sequential, free, handle });
const ack = (id: string) => ({ frame: { type: 'ack' as const, id } });

describe('FramePipeline', () => {
  it('answers a sequential frame before it starts the next one', async () => {
    const slow = gate();
    const { sent, receive } = setup([
      handler('subscribe', true, async (frame) => (await slow.opened, ack(frame.id!))),
      handler('ping', true, (frame) => ({ frame: { type: 'pong', id: frame.id } }), true),
    ]);
    receive({ type: 'subscribe', id: 's', channel: 'c' });
    receive({ type: 'ping', id: 'p' });
    await settle();
    expect(sent).toEqual([]);
    slow.open();
    await settle();
    expect(sent.map((f) => `${f.type} ${f.id}`)).toEqual(['ack s', 'pong p']);
  });

  it('runs application messages side by side', async () => {
    const first = gate();
    const { sent, receive } = setup([
      handler('application', false, async (frame) => {
        if (frame.id === 'a1') await first.opened;
        return ack(frame.id!);
      }),
    ]);
    receive({ type: 'chat.send', id: 'a1' });
    receive({ type: 'chat.send', id: 'a2' });
    await settle();
    first.open();
    await settle();
    expect(sent.map((f) => f.id)).toEqual(['a2', 'a1']);
  });

  it('answers a FrameError with its code and anything else INTERNAL, logging only the first', async () => {
    const { sent, receive, metrics, errors } = setup([
      handler('publish', true, () => {
        throw new FrameError('FORBIDDEN', 'no');
      }),
      handler('auth', true, () => {
        throw new Error('bug');
      }),
    ]);
    receive({ type: 'publish', id: 'p', channel: 'c', payload: 1 });
    receive({ type: 'auth', id: 'x1', payload: { token: 't' } });
    receive({ type: 'auth', id: 'x2', payload: { token: 't' } });
    await settle();
    expect(sent.map((f) => [f.id, f.payload.code, f.payload.recoverable])).toEqual([
      ['p', 'FORBIDDEN', false],
      ['x1', 'INTERNAL', true],
      ['x2', 'INTERNAL', true],
    ]);
    expect(errors).toHaveBeenCalledTimes(1);
    expect((await metrics.errors.get()).values.map((v) => [v.labels.code, v.value])).toEqual([['FORBIDDEN', 1], ['INTERNAL', 2]]);
  });

  it('answers binary data and broken frames without a handler', async () => {
    const { sent, receive, socket, metrics } = setup([]);
    socket.emit('message', Buffer.from([1, 2]), true);
    receive('{not json');
    receive({ type: 'subscribe', id: 's' });
    await settle();
    expect(sent.map((f) => [f.id, f.payload.code])).toEqual([
      [undefined, 'UNSUPPORTED_DATA'],
      [undefined, 'INVALID_JSON'],
      ['s', 'INVALID_MESSAGE'],
    ]);
    expect((await metrics.framesIn.get()).values.map((v) => [v.labels.type, v.value])).toEqual([['binary', 1], ['invalid', 2]]);
  });

  it('refuses frames past the rate limit, lets a free one through, and closes a client that ignores it', async () => {
    const { sent, receive, socket, metrics } = setup(
      [handler('ping', true, (frame) => ({ frame: { type: 'pong', id: frame.id } }), true), handler('application', false, (frame) => ack(frame.id!))],
      () => ({ allowed: false, retryAfterMs: 250 }),
    );
    receive({ type: 'ping', id: 'p' });
    for (const id of ['a1', 'a2', 'a3']) receive({ type: 'chat.send', id });
    await settle();
    expect(sent.map((f) => [f.type, f.id, f.payload?.retryAfterMs])).toEqual([
      ['pong', 'p', undefined],
      ['error', 'a1', 250],
      ['error', 'a2', 250],
      ['error', 'a3', 250],
    ]);
    expect((await metrics.rateLimitedFrames.get()).values[0].value).toBe(3);
    expect(socket.close).toHaveBeenCalledWith(CloseCode.POLICY, PolicyCloseReason.RATE_LIMIT);
  });

  it('forgives refused frames once the interval has passed', async () => {
    const { receive, socket, clock } = setup([handler('application', false, (frame) => ack(frame.id!))], () => ({ allowed: false, retryAfterMs: 1 }));
    for (const id of ['a1', 'a2']) receive({ type: 'chat.send', id });
    await settle();
    clock.advance(1_000);
    for (const id of ['a3', 'a4']) receive({ type: 'chat.send', id });
    await settle();
    expect(socket.close).not.toHaveBeenCalled();
  });

  it('answers ENGINE_UNAVAILABLE, recoverable, when the engine does not answer a handler, and keeps serving', async () => {
    const { sent, receive, socket, metrics, errors, warnings } = setup([
      handler('publish', true, () => Promise.reject(new EngineUnavailableError('redis', 'Connection is closed.'))),
      handler('ping', true, (frame) => ({ frame: { type: 'pong', id: frame.id } }), true),
    ]);
    receive({ type: 'publish', id: 'p1', channel: 'c', payload: 1 });
    receive({ type: 'publish', id: 'p2', channel: 'c', payload: 1 });
    receive({ type: 'ping', id: 'x' });
    await settle();
    expect(sent.map((f) => [f.type, f.id, f.payload?.code, f.payload?.recoverable, f.payload?.retryAfterMs])).toEqual([
      ['error', 'p1', 'ENGINE_UNAVAILABLE', true, 1_000],
      ['error', 'p2', 'ENGINE_UNAVAILABLE', true, 1_000],
      ['pong', 'x', undefined, undefined, undefined],
    ]);
    expect(socket.close).not.toHaveBeenCalled();
    expect(errors).not.toHaveBeenCalled();
    expect(warnings).toHaveBeenCalledTimes(1);
    expect((await metrics.errors.get()).values.map((v) => [v.labels.code, v.value])).toEqual([['ENGINE_UNAVAILABLE', 2]]);
  });

  it('answers ENGINE_UNAVAILABLE for the frame whose rate-limit check the engine did not answer', async () => {
    const { sent, receive, clock, warnings } = setup([handler('application', false, (frame) => ack(frame.id!))], () =>
      Promise.reject(new EngineUnavailableError('redis', 'Command timed out')),
    );
    receive({ type: 'chat.send', id: 'a1' });
    await settle();
    clock.advance(60_000);
    receive({ type: 'chat.send', id: 'a2' });
    await settle();
    expect(sent.map((f) => [f.id, f.payload.code])).toEqual([
      ['a1', 'ENGINE_UNAVAILABLE'],
      ['a2', 'ENGINE_UNAVAILABLE'],
    ]);
    // A minute without failures ended the first outage: the second one is told too.
    expect(warnings).toHaveBeenCalledTimes(2);
  });
});
