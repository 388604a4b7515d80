import type { Json, Limits, WelcomePayload } from '@switchboard/protocol';
import { Rng } from '../security/fuzz/rng.js';
import { HOSTILE_NAMES } from '../security/hostile-input.js';
import type { ChannelModel } from './channel-model.js';

/** One frame for the server to send: text, or binary (`data` is then base64, to travel as JSON). */
export interface HostileFrame {
  category: Category;
  kind: 'text' | 'binary';
  data: string;
}

type Draw = { rng: Rng; model: ChannelModel; limits: Limits; ts: number };
type Out = string | Buffer | object;

const j = (value: unknown): string => JSON.stringify(value);
const pick = <T>(d: Draw, items: readonly T[]): T => d.rng.pick(items);
/** Text that is exactly `bytes` long once `build(padding)` is serialized (ASCII padding). */
const sized = (bytes: number, build: (padding: string) => object): string => {
  const bare = j(build('')).length;
  return j(build('x'.repeat(Math.max(0, bytes - bare))));
};
const deep = (depth: number): Json => (depth === 0 ? 'bottom' : { a: deep(depth - 1) });
const unknownId = (d: Draw): string => `unknown-${d.rng.int(0, 1e9).toString(36)}`;

function welcome(d: Draw): WelcomePayload {
  return { connectionId: `hostile-${d.rng.int(0, 1e6)}`, userId: 'fake-user', protocol: 1, heartbeatMs: d.limits.heartbeatMs, expiresAt: d.ts + 3_600_000, limits: d.limits, serverTime: d.ts };
}

/** A valid welcome with one field (a dotted path) replaced by `value`, or removed when it is `undefined`. */
function brokenWelcome(d: Draw, path: string, value: unknown): object {
  const payload = JSON.parse(j(welcome(d))) as Record<string, any>;
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((node, key) => node[key], payload);
  if (value === undefined) delete parent[keys.at(-1)!];
  else parent[keys.at(-1)!] = value;
  return { type: 'welcome', payload };
}

/** Frames a subscribed client must answer with a resubscribe: a skipped offset. */
const gap = (d: Draw): object => d.model.message(d.model.head + d.rng.int(2, 4));

/**
 * Each category draws one hostile frame (or a short run of them) from the seeded stream.
 * Frames about the subscribed channel keep {@link ChannelModel} consistent.
 */
const CATEGORY = {
  'non-object JSON': (d) =>
    pick(d, ['null', 'true', 'false', '0', '-1', '1e309', String(d.rng.float()), '"welcome"', '""', '[]', '[{"type":"welcome"}]', '[null]', '['.repeat(5_000) + ']'.repeat(5_000)]),
  'invalid JSON': (d) =>
    pick(d, [
      ...['', ' ', '{', '}', '{"type":"ack"', '{"type":"ack",}', "{'type':'ack'}", 'NaN', 'undefined'],
      ...['{"type":"pong"}garbage', '\uFEFF{"type":"pong"}', '{"type":"message","offset":01}', d.rng.unicode(d.rng.int(1, 200))],
    ]),
  binary: (d) =>
    pick(d, [
      d.rng.bytes(d.rng.int(0, 256)),
      Buffer.alloc(0),
      Buffer.from([0xff, 0xfe, 0xfd]),
      // Valid frames, as binary: the gateway never sends binary.
      Buffer.from(j({ type: 'pong', id: 'binary', ts: d.ts })),
      Buffer.from(j({ type: 'message', channel: 'room:never', offset: 1, epoch: 'e', payload: {}, ts: d.ts })),
    ]),
  'unknown type': (d) =>
    pick(d, [
      { type: d.rng.stringOf('abcdefghijklmnopqrstuvwxyz.', d.rng.int(1, 20)) },
      ...[{ type: '' }, { type: 5 }, { type: null }, { type: ['ack'] }, {}, { id: 'x' }, { type: 'x'.repeat(10_000) }],
      // Client frame types, and near misses of server ones.
      ...[{ type: 'ping', id: 'p' }, { type: 'subscribe', id: 's', channel: d.model.channel }, { type: 'auth', payload: { token: 't' } }],
      ...[{ type: 'WELCOME', payload: welcome(d) }, { type: 'ack ', id: 'x' }],
    ]),
  'prototype names': (d) => {
    const name = pick(d, HOSTILE_NAMES);
    return pick(d, [
      { type: name, id: name, channel: name, payload: name },
      { type: 'ack', id: name, payload: {} },
      { type: 'error', id: name, payload: { code: name, message: name, recoverable: false } },
      { type: 'error', payload: { code: name, message: name, recoverable: false } },
      { type: 'message', channel: name, offset: 1, epoch: name, payload: {} },
      // Written as text: in an object literal `__proto__` would set the prototype, not a key.
      `{"__proto__":{"type":"welcome","polluted":true},"type":"pong","id":"${name}","ts":1}`,
      `{"type":"ack","id":"__proto__","payload":{"__proto__":{"polluted":true}},"ts":1}`,
      `{"type":"error","payload":{"code":"E","message":"m","recoverable":false,"__proto__":{"polluted":true}},"ts":1}`,
      `{"type":"welcome","payload":${j(welcome(d)).slice(0, -1)},"__proto__":{"limits":null,"polluted":true}},"ts":1}`,
      `{"constructor":{"prototype":{"polluted":true}},"type":"reconnect","payload":{"afterMs":1,"reason":"x"},"ts":1}`,
      `{"type":"message","channel":"${d.model.channel}","offset":1,"epoch":"${d.model.oldEpoch}","payload":{"__proto__":{"polluted":true}},"ts":1}`,
    ]);
  },
  'broken welcome': (d) =>
    pick(d, [
      { type: 'welcome' },
      { type: 'welcome', payload: null },
      { type: 'welcome', payload: 'welcome' },
      { type: 'welcome', payload: [] },
      brokenWelcome(d, 'limits', undefined),
      brokenWelcome(d, 'limits', null),
      brokenWelcome(d, 'limits', 'generous'),
      brokenWelcome(d, 'limits.rateLimit', undefined),
      brokenWelcome(d, 'limits.rateLimit', null),
      brokenWelcome(d, 'limits.rateLimit.burst', 'many'),
      brokenWelcome(d, 'limits.maxMessageBytes', null),
      brokenWelcome(d, 'limits.maxMessageBytes', '65536'),
      brokenWelcome(d, 'limits.heartbeatMs', 'often'),
      brokenWelcome(d, 'heartbeatMs', {}),
      brokenWelcome(d, 'expiresAt', 'never'),
      brokenWelcome(d, 'expiresAt', null),
      brokenWelcome(d, 'expiresAt', undefined),
      brokenWelcome(d, 'protocol', '1'),
      brokenWelcome(d, 'connectionId', 5),
      brokenWelcome(d, 'serverTime', 'now'),
    ]),
  'repeated welcome': (d) => ({ type: 'welcome', payload: welcome(d) }),
  'broken pong': (d) => ({
    type: 'pong',
    ...pick(d, [
      ...[{ id: 5 }, { id: {} }, { id: null }, { id: ['hb:1'] }, { id: 'hb:1', payload: deep(50) }, { id: 'no-ts', ts: undefined }, { id: 'string-ts', ts: 'now' }],
      // Pongs of pings never sent.
      ...[{ id: 'hb:' }, { id: 'hb:abc' }, { id: `hb:${'9'.repeat(400)}` }, { id: 'hb:1e309' }, { id: 'hb:-5' }, {}, { id: unknownId(d) }],
    ]),
  }),
  'broken ack': (d) => ({
    type: 'ack',
    ...pick(d, [{}, { id: 5 }, { id: {} }, { id: [] }, { id: null }, { id: true }, { id: '' }, { id: unknownId(d), payload: deep(1_000) }, { id: unknownId(d), payload: null }]),
  }),
  'broken error': (d) => {
    const rateLimited = { code: 'RATE_LIMITED', message: 'm', recoverable: true };
    const payload = pick(d, [
      ...[undefined, null, 'INTERNAL', [], {}, { code: '', message: '' }],
      ...[{ code: 5, message: 'm', recoverable: true }, { code: null, message: 'm' }, { code: {}, message: 'm' }, { code: ['X'], message: 'm' }],
      ...[{ code: 'X', message: 5 }, { code: 'X', message: 'm', recoverable: 'yes' }, { code: 'X', message: 'm', details: deep(500) }],
      ...[{ ...rateLimited, retryAfterMs: 'soon' }, { ...rateLimited, retryAfterMs: -1 }],
    ]);
    return { type: 'error', ...pick(d, [{}, { id: unknownId(d) }, { id: 5 }, { id: {} }, { id: null }]), ...(payload === undefined ? {} : { payload }) };
  },
  'unknown ids': (d) => {
    const code = pick(d, ['INTERNAL', 'TIMEOUT', 'FORBIDDEN', 'RATE_LIMITED', 'APP_CODE']);
    return pick(d, [
      { type: 'ack', id: unknownId(d), payload: { ok: true } },
      { type: 'error', id: unknownId(d), payload: { code, message: 'not yours', recoverable: false } },
    ]);
  },
  'broken message': (d) => {
    const { channel, epoch, head } = d.model;
    const frame = pick(d, [
      { channel: undefined, offset: head + 1, epoch },
      { channel: 5, offset: 1, epoch },
      { channel: null, offset: 1, epoch },
      { channel: {}, offset: 1, epoch },
      { channel: [channel], offset: 1, epoch },
      { channel, offset: String(head + d.rng.int(-2, 2)), epoch },
      { channel, offset: null, epoch },
      { channel, offset: {}, epoch },
      { channel, offset: -1, epoch },
      { channel, offset: head + 0.5, epoch },
      { channel, offset: 'NaN', epoch },
      { channel, offset: head + 1, epoch: undefined },
      { channel, offset: head + 1, epoch: 5 },
      { channel, offset: head + 1, epoch: null },
      { channel, offset: head + 1, epoch, ts: 'now' },
    ]);
    if (frame.channel === channel && frame.epoch === epoch) d.model.claim(frame.offset);
    return { type: 'message', payload: { broken: true }, ...frame };
  },
  'unsubscribed channel': (d) => {
    const channel = pick(d, ['room:never', `room:${d.rng.int(0, 1e6)}`, `${d.model.channel} `, d.model.channel.toUpperCase(), 'x'.repeat(200)]);
    return { type: 'message', channel, offset: d.rng.int(1, 10), epoch: 'e', payload: {} };
  },
  'channel order': (d) => {
    const { head } = d.model;
    return pick(d, [
      () => d.model.message(),
      () => d.model.message(Math.max(1, head - d.rng.int(0, 3))),
      () => gap(d),
      () => [d.model.message(head + 2), d.model.message(head + 1)],
      () => [d.model.message(head + 1), d.model.message(head + 1)],
    ])();
  },
  // An epoch the channel no longer has (from before a restart, or bogus): each asks for one resubscribe, never a loop.
  'wrong epoch': (d) => {
    const epoch = pick(d, [d.model.oldEpoch, `epoch-${d.rng.int(0, 1e6)}`, '']);
    return { type: 'message', channel: d.model.channel, offset: d.model.head + d.rng.int(-1, 2), epoch, payload: { stale: true } };
  },
  'broken reconnect': (d) =>
    pick(d, [
      ...[{ type: 'reconnect' }, { type: 'reconnect', payload: null }, { type: 'reconnect', payload: 'soon' }, { type: 'reconnect', payload: { afterMs: 10, reason: 5 } }],
      ...['1000', -1, 1e12, null, {}, 0.5].map((afterMs) => ({ type: 'reconnect', payload: { afterMs, reason: 'drain' } })),
      // Raw text: 1e309 parses to Infinity, which JSON.stringify cannot write.
      '{"type":"reconnect","payload":{"afterMs":1e309,"reason":"drain"},"ts":1}',
    ]),
  huge: (d) => {
    const max = d.limits.maxMessageBytes;
    const bytes = pick(d, [max - 64, max - 1, max, max + 1, 2 * max, 16 * max]);
    const id = unknownId(d);
    return pick(d, [
      () => sized(bytes, (pad) => ({ type: 'message', channel: 'room:never', offset: 1, epoch: 'e', payload: pad, ts: d.ts })),
      () => 'x'.repeat(bytes),
      () => sized(bytes, (pad) => ({ type: 'ack', id, payload: pad, ts: d.ts })),
      () => sized(bytes, (pad) => ({ type: 'error', payload: { code: 'INTERNAL', message: pad, recoverable: true }, ts: d.ts })),
      () => {
        // Near the limit only: a publication of maxMessageBytes makes a frame just over it, legitimately.
        const { channel, epoch, head } = d.model;
        const text = sized(max + d.rng.int(-64, 64), (pad) => ({ type: 'message', channel, offset: head + 1, epoch, payload: pad, ts: d.ts }));
        d.model.claim(head + 1, (JSON.parse(text) as { payload: Json }).payload);
        return text;
      },
    ])();
  },
  // Gaps make the client resubscribe; gatewayAnswers breaks some of those acks.
  'broken subscribe ack': gap,
} satisfies Record<string, (d: Draw) => Out | Out[]>;

export type Category = keyof typeof CATEGORY;
export const CATEGORIES = Object.keys(CATEGORY) as Category[];

/** How often each category comes up in a mixed stream, relative to 1. */
const WEIGHT: Partial<Record<Category, number>> = { huge: 0.05, 'repeated welcome': 0.3, 'wrong epoch': 0.5, 'broken subscribe ack': 0.5, 'channel order': 1.5 };

/** Ack payloads that break a subscribe answer in every field (sent before the valid one). */
export function brokenSubscribeAck(rng: Rng, model: ChannelModel): Json {
  const valid = model.subscribeAck({ type: 'subscribe' }) as unknown as Record<string, Json>;
  return rng.pick<Json>([
    ...[null, 'subscribed', [], {}, { ...valid, epoch: 5 }, { ...valid, offset: 'x' }, { ...valid, recovered: 'yes' }, { ...valid, channel: null }],
    ...[{ ...valid, recovered: true, publications: null }, { ...valid, recovered: true, publications: 'all' }, { ...valid, recovered: true, publications: [null, 5, { offset: 'x' }] }],
  ]);
}

/** A seeded stream of hostile server frames; the same seed gives the same frames. */
export class HostileFrames {
  private readonly rng: Rng;
  private count = 0;

  constructor(
    seed: number,
    private readonly model: ChannelModel,
    private readonly limits: Limits,
  ) {
    this.rng = new Rng(seed);
  }

  /** At least `count` frames of `category`, or of every category by weight. */
  take(count: number, category?: Category): HostileFrame[] {
    const frames: HostileFrame[] = [];
    while (frames.length < count) {
      const chosen = category ?? this.weighted();
      const draw = { rng: this.rng, model: this.model, limits: this.limits, ts: 1_700_000_000_000 + ++this.count };
      const out: Out | Out[] = CATEGORY[chosen](draw);
      for (const one of Array.isArray(out) ? out : [out]) frames.push(encode(chosen, one, draw.ts));
    }
    return frames;
  }

  private weighted(): Category {
    const total = CATEGORIES.reduce((sum, c) => sum + (WEIGHT[c] ?? 1), 0);
    let roll = this.rng.float() * total;
    for (const category of CATEGORIES) {
      roll -= WEIGHT[category] ?? 1;
      if (roll < 0) return category;
    }
    return CATEGORIES.at(-1)!;
  }
}

/** Objects get the `ts` every server frame has, unless they set one (`undefined` leaves it out). */
function encode(category: Category, out: Out, ts: number): HostileFrame {
  if (Buffer.isBuffer(out)) return { category, kind: 'binary', data: out.toString('base64') };
  if (typeof out === 'string') return { category, kind: 'text', data: out };
  return { category, kind: 'text', data: j('ts' in out ? out : { ...out, ts }) };
}
