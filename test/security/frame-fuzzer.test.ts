import WebSocket from 'ws';
import {
  CHANNEL_NAME_PATTERN,
  CLIENT_ENVELOPE_FIELDS,
  CloseCode,
  ErrorCode,
  MAX_ID_LENGTH,
  MAX_TYPE_LENGTH,
  PolicyCloseReason,
  SUBPROTOCOL,
} from '@switchboard/protocol';
import { startGateway, type RunningGateway } from '../support/gateway-process.js';
import { metric } from '../support/metrics.js';
import { expectServing } from '../support/serving.js';
import { connect, type Frame, type TestSocket } from '../support/test-socket.js';
import { SECRET_ENV, signToken } from '../support/tokens.js';
import { HOSTILE_NAMES, OBJECT_PROTOTYPE_NAMES, PROTOCOL_ERROR_CODES, Rng, answersIn, exchange, jsonDepth, nested } from './hostile-input.js';

/** Override to replay another run: FUZZ_SEED=0x1234 npx jest test/security/frame-fuzzer.test.ts */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed5b0a) >>> 0;
const SEED_HEX = `0x${SEED.toString(16)}`;
const CONNECTIONS = 4;
const FRAMES_PER_CONNECTION = 25_000;
const WINDOW = 500;
/** The gateway's defaults, which the main stream stays within. */
const MAX_MESSAGE_BYTES = 65_536;
const MAX_JSON_DEPTH = 64;
const MiB = 1024 * 1024;

const FUZZ_ENV = {
  ...SECRET_ENV,
  // The schema caps both at 1,000,000: far more than the 25,000 frames each user sends.
  RATE_LIMIT_MESSAGES: '1000000',
  RATE_LIMIT_BURST: '1000000',
  CHANNELS_PUBLIC_SUBSCRIBE: 'fuzz:*',
  CHANNELS_PUBLIC_PUBLISH: 'fuzz:*',
  // What the fuzz publishes is kept by design; a small node budget makes the memory bound
  // below about leaks, not about history doing its job.
  HISTORY_MAX_TOTAL_BYTES: '8388608',
  LOG_LEVEL: 'info',
};

const API_KEY = 'security-api-key-0123456789abcdef0123';

// ---------------------------------------------------------------------------------------
// The oracle: what protocol §4–6 says each frame must be answered with
// ---------------------------------------------------------------------------------------

/** `pong`, `ack`, or `error:<code>`. */
type Outcome = string;

interface Expectation {
  /** The id the answer must echo; undefined when the frame has no valid id. */
  id?: string;
  /** Allowed outcomes; the frame's answer must be one of them. */
  allowed: readonly Outcome[];
  /** Further checks on an `ack`; returns the problem, if any. */
  check?: (answer: Frame) => string | undefined;
}

interface FuzzContext {
  userId: string;
  /** A valid token of this connection's user: `auth` with it is acked. */
  selfToken: string;
}

const ENVELOPE = new Set<string>(CLIENT_ENVELOPE_FIELDS);
const INVALID: readonly Outcome[] = ['error:INVALID_MESSAGE'];
const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const validId = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID_LENGTH;
const publicChannel = (channel: string) => /^fuzz:.+$/.test(channel);
/** Fields beyond those a built-in type uses: the protocol is silent, so the frame may be refused. */
const extraFields = (frame: Record<string, unknown>, used: string[]) =>
  Object.keys(frame).some((key) => key !== 'type' && !used.includes(key));
const orInvalid = (outcomes: Outcome[], lenient: boolean): Outcome[] => (lenient ? [...outcomes, 'error:INVALID_MESSAGE'] : outcomes);

function sinceIsWellFormed(payload: unknown): 'absent' | 'valid' | 'bad' {
  if (payload === undefined || payload === null) return 'absent';
  if (!isRecord(payload)) return 'bad';
  if (payload.since === undefined) return Object.keys(payload).length === 0 ? 'absent' : 'bad';
  const since = payload.since;
  return isRecord(since) && typeof since.epoch === 'string' && Number.isSafeInteger(since.offset) && since.offset >= 0 ? 'valid' : 'bad';
}

/** The answer protocol §4–6 prescribes for `wire`, as the gateway decodes it. */
function expectationFor(wire: string, ctx: FuzzContext): Expectation {
  let frame: unknown;
  try {
    frame = JSON.parse(wire);
  } catch {
    return { allowed: ['error:INVALID_JSON'] };
  }
  if (!isRecord(frame)) return { allowed: INVALID };
  const id = validId(frame.id) ? frame.id : undefined;
  const invalid: Expectation = { id, allowed: INVALID };
  if (Object.keys(frame).some((key) => !ENVELOPE.has(key))) return invalid;
  if (typeof frame.type !== 'string' || frame.type.length === 0 || frame.type.length > MAX_TYPE_LENGTH) return invalid;
  if (frame.id !== undefined && id === undefined) return invalid;
  if (frame.channel !== undefined && (typeof frame.channel !== 'string' || !CHANNEL_NAME_PATTERN.test(frame.channel))) return invalid;
  if (frame.payload !== undefined && jsonDepth(frame.payload) > MAX_JSON_DEPTH) return invalid;
  const channel = frame.channel as string | undefined;

  switch (frame.type) {
    case 'ping':
      return { id, allowed: orInvalid(['pong'], extraFields(frame, ['id'])) };
    case 'auth': {
      if (id === undefined || frame.payload === undefined) return invalid;
      const token = isRecord(frame.payload) ? frame.payload.token : undefined;
      if (typeof token !== 'string' || token === '') return invalid;
      const lenient = extraFields(frame, ['id', 'payload']);
      if (token !== ctx.selfToken) return { id, allowed: orInvalid(['error:UNAUTHORIZED'], lenient) };
      return { id, allowed: orInvalid(['ack'], lenient), check: (a) => (typeof a.payload?.expiresAt === 'number' ? undefined : 'auth ack without payload.expiresAt') };
    }
    case 'subscribe': {
      if (id === undefined || channel === undefined) return invalid;
      const since = sinceIsWellFormed(frame.payload);
      const allowedChannel = publicChannel(channel) || channel === `user:${ctx.userId}`;
      const lenient = since === 'bad';
      const check = (a: Frame) =>
        a.payload?.channel === channel && typeof a.payload.epoch === 'string' && typeof a.payload.offset === 'number' &&
        typeof a.payload.recovered === 'boolean' && Array.isArray(a.payload.publications)
          ? undefined
          : 'subscribe ack is not {channel,epoch,offset,recovered,publications}';
      return { id, allowed: orInvalid([allowedChannel ? 'ack' : 'error:FORBIDDEN'], lenient || extraFields(frame, ['id', 'channel', 'payload'])), check };
    }
    case 'unsubscribe': {
      if (id === undefined || channel === undefined) return invalid;
      const check = (a: Frame) => (a.payload?.channel === channel ? undefined : 'unsubscribe ack without payload.channel');
      return { id, allowed: orInvalid(['ack'], extraFields(frame, ['id', 'channel'])), check };
    }
    case 'publish': {
      if (id === undefined || channel === undefined || frame.payload === undefined) return invalid;
      const check = (a: Frame) =>
        typeof a.payload?.offset === 'number' && typeof a.payload.epoch === 'string' ? undefined : 'publish ack without offset and epoch';
      return { id, allowed: [publicChannel(channel) ? 'ack' : 'error:FORBIDDEN'], check };
    }
    default:
      // An application message; no schemas are registered, so none is known.
      if (id === undefined) return invalid;
      return { id, allowed: orInvalid(['error:UNKNOWN_TYPE'], frame.payload === undefined) };
  }
}

// ---------------------------------------------------------------------------------------
// The generator: seeded garbage across categories
// ---------------------------------------------------------------------------------------

interface Candidate {
  category: string;
  text?: string;
  binary?: Buffer;
}

const raw = (fields: Array<[string, string]>) => `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
const str = (v: unknown) => JSON.stringify(v);

class FrameGenerator {
  private counter = 0;
  private readonly channels: string[];

  constructor(
    private readonly rng: Rng,
    private readonly conn: number,
    private readonly ctx: FuzzContext,
  ) {
    // Fewer subscribable channels than MAX_SUBSCRIPTIONS_PER_CONNECTION (128), so the cap never applies here.
    this.channels = [
      ...Array.from({ length: 24 }, (_, i) => `fuzz:${i}`),
      ...HOSTILE_NAMES.map((name) => `fuzz:${name}`),
      `user:${ctx.userId}`,
      'user:someone-else',
      'room:1',
      'fuzz',
      ...HOSTILE_NAMES,
    ];
  }

  /** A new id, valid (1–64 chars) and unique on this connection. */
  id(): string {
    const n = `${this.conn}.${++this.counter}`;
    switch (this.rng.int(0, 9)) {
      case 0:
        return `${n}.`.padEnd(MAX_ID_LENGTH, 'x');
      case 1:
        return `\u{1f600}${n}`;
      case 2:
        return `${this.rng.pick(HOSTILE_NAMES)}#${n}`;
      case 3:
        return `${n}\u0000"\\\n`;
      case 4:
        return `\ud800${n}`; // a lone surrogate becomes U+FFFD on the wire
      default:
        return n;
    }
  }

  private channel(): string {
    return this.rng.chance(0.7) ? `fuzz:${this.rng.int(0, 23)}` : this.rng.pick(this.channels);
  }

  /** Random JSON text, hostile keys included, at most `depth` deep. */
  json(depth: number): string {
    const roll = this.rng.int(0, 9);
    if (depth <= 0 || roll < 4) {
      return this.rng.pick([
        () => String(this.rng.int(-1e6, 1e6)),
        () => String(this.rng.float() * 1e6 - 5e5),
        () => '-0',
        () => '1e308',
        () => '12345678901234567890123',
        () => 'true',
        () => 'false',
        () => 'null',
        () => str(this.rng.unicode(this.rng.int(0, 40))),
        () => '"\\u0000\\ud800\\udfff"',
      ])();
    }
    if (roll < 7) {
      return `[${Array.from({ length: this.rng.int(0, 4) }, () => this.json(depth - 1)).join(',')}]`;
    }
    const keys = () =>
      this.rng.pick([
        () => this.rng.stringOf('abcdefghij', this.rng.int(1, 6)),
        () => this.rng.pick(HOSTILE_NAMES),
        () => '__proto__',
        () => '',
        () => this.rng.unicode(this.rng.int(1, 6)),
      ])();
    return raw(Array.from({ length: this.rng.int(0, 4) }, () => [keys(), this.json(depth - 1)] as [string, string]));
  }

  private valid(type = this.rng.pick(['ping', 'subscribe', 'unsubscribe', 'publish', 'auth', 'chat'])): Array<[string, string]> {
    switch (type) {
      case 'ping':
        return [['type', '"ping"'], ['id', str(this.id())]];
      case 'subscribe':
      case 'unsubscribe':
        return [['type', str(type)], ['id', str(this.id())], ['channel', str(this.channel())]];
      case 'publish':
        return [['type', '"publish"'], ['id', str(this.id())], ['channel', str(this.channel())], ['payload', this.json(3)]];
      case 'auth':
        return [['type', '"auth"'], ['id', str(this.id())], ['payload', str({ token: 'garbage' })]];
      default:
        return [['type', str(type)], ['id', str(this.id())], ['payload', this.json(2)]];
    }
  }

  /** One frame of a category drawn by weight. */
  next(): Candidate {
    const roll = this.rng.int(0, 99);
    for (const [weight, category, make] of this.categories) {
      if (roll < weight) return { category, ...make() };
    }
    throw new Error('unreachable');
  }

  /** [cumulative weight out of 100, name, generator]. */
  private readonly categories: Array<[number, string, () => Omit<Candidate, 'category'>]> = (() => {
    const list: Array<[number, string, () => Omit<Candidate, 'category'>]> = [
      [6, 'ping', () => this.ping()],
      [7, 'subscribe', () => this.subscribe()],
      [4, 'unsubscribe', () => ({ text: raw([['type', '"unsubscribe"'], ['id', str(this.id())], ['channel', str(this.channel())]]) })],
      [14, 'publish', () => this.publish()],
      [3, 'auth', () => this.auth()],
      [9, 'invalid-json', () => this.invalidJson()],
      [4, 'binary', () => this.binaryFrame()],
      [5, 'non-object', () => this.nonObject()],
      [5, 'unknown-field', () => this.unknownField()],
      [5, 'wrong-field-type', () => this.wrongFieldType()],
      [5, 'bad-id', () => this.badId()],
      [5, 'bad-channel', () => this.badChannel()],
      [14, 'prototype-names', () => this.prototypeNames()],
      [3, 'deep-nesting', () => this.deep()],
      [1, 'near-size-limit', () => this.huge()],
      [6, 'application-type', () => this.applicationType()],
      [2, 'duplicate-keys', () => this.duplicateKeys()],
      [2, 'escaped-names', () => this.escapedNames()],
    ];
    let total = 0;
    const cumulative = list.map(([weight, name, make]) => [(total += weight), name, make] as [number, string, () => Omit<Candidate, 'category'>]);
    if (total !== 100) throw new Error(`category weights add up to ${total}, not 100`);
    return cumulative;
  })();

  private ping() {
    const fields: Array<[string, string]> = [['type', '"ping"']];
    if (this.rng.chance(0.7)) fields.push(['id', str(this.id())]);
    if (this.rng.chance(0.2)) fields.push(['payload', this.json(3)]);
    if (this.rng.chance(0.1)) fields.push(['channel', str(this.channel())]);
    return { text: raw(fields) };
  }

  private subscribe() {
    const fields: Array<[string, string]> = [['type', '"subscribe"'], ['id', str(this.id())], ['channel', str(this.channel())]];
    const since = this.rng.pick([
      undefined,
      undefined,
      str({ since: { epoch: this.rng.stringOf('abcdefXYZ_-', 8), offset: this.rng.int(0, 50) } }),
      str({ since: { epoch: 'x', offset: -1 } }),
      str({ since: { epoch: 1, offset: 'x' } }),
      str({ since: null }),
      str({ since: { epoch: 'x', offset: 1.5 } }),
      '{"since":{"__proto__":{"epoch":"x","offset":1}}}',
      'null',
      '5',
      '[]',
      '{}',
    ]);
    if (since !== undefined) fields.push(['payload', since]);
    return { text: raw(fields) };
  }

  private publish() {
    const huge = this.rng.chance(0.002);
    const payload = huge ? str('p'.repeat(this.rng.int(30_000, 60_000))) : this.json(this.rng.int(0, 6));
    return { text: raw([['type', '"publish"'], ['id', str(this.id())], ['channel', str(this.channel())], ['payload', payload]]) };
  }

  private auth() {
    const token = this.rng.pick<() => string | undefined>([
      () => this.rng.unicode(this.rng.int(1, 200)),
      () => `${this.rng.stringOf('abcXYZ019-_', 20)}.${this.rng.stringOf('abcXYZ019-_', 40)}.${this.rng.stringOf('abc', 10)}`,
      () => 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      () => 'x'.repeat(this.rng.int(1_000, 20_000)),
      () => '',
      () => undefined,
      () => this.ctx.selfToken,
    ])();
    const payload = token === undefined ? this.rng.pick(['null', '{}', '{"token":5}', '"token"']) : str({ token });
    return { text: raw([['type', '"auth"'], ['id', str(this.id())], ['payload', payload]]) };
  }

  private invalidJson() {
    const base = raw(this.valid());
    const text = this.rng.pick([
      () => this.rng.bytes(this.rng.int(0, 300)).toString('utf8'),
      () => base.slice(0, this.rng.int(0, base.length - 1)),
      () => `${base}${this.rng.pick(['x', ',', '}', ' {}', '\u0000'])}`,
      () => base.replace(/"/g, "'"),
      () => `\ufeff${base}`,
      () => `{type:"ping"}`,
      () => `{"type":"ping",}`,
      () => `{"type":"ping","id":NaN}`,
      () => `/* c */${base}`,
      () => '',
      () => ' ',
      () => '{"type":"ping","id":"\\x41"}',
      () => '{"type":"ping","id":"\\ud800\\u"}',
      () => '["',
    ])();
    return { text };
  }

  private binaryFrame() {
    const payload = this.rng.chance(0.3) ? Buffer.from(raw(this.valid())) : this.rng.bytes(this.rng.int(0, 2_000));
    return { binary: payload };
  }

  private nonObject() {
    return {
      text: this.rng.pick([
        () => String(this.rng.int(-1e9, 1e9)),
        () => '1e400',
        () => '-0',
        () => 'null',
        () => 'true',
        () => str(this.rng.unicode(20)),
        () => `[${raw(this.valid())}]`,
        () => '[]',
        () => this.json(4),
        () => `"${raw(this.valid()).replace(/"/g, '\\"')}"`,
      ])(),
    };
  }

  private unknownField() {
    const fields = this.valid();
    const name = this.rng.pick(['ts', 'Type', 'ID', 'extra', '', ' type', 'type ', 'payloads', '__proto__', ...HOSTILE_NAMES]);
    fields.splice(this.rng.int(0, fields.length), 0, [name, this.json(2)]);
    return { text: raw(fields) };
  }

  private wrongFieldType() {
    const fields = this.valid();
    const field = this.rng.pick(['type', 'channel', 'payload']);
    const value = this.rng.pick(['1', 'null', 'true', '{}', '[]', '["ping"]', '{"type":"ping"}', '0', '""']);
    const at = fields.findIndex(([k]) => k === field);
    if (at >= 0) fields[at] = [field, value];
    else fields.push([field, value]);
    return { text: raw(fields) };
  }

  private badId() {
    const id = this.rng.pick([
      '""',
      str('i'.repeat(MAX_ID_LENGTH + 1)),
      str('i'.repeat(128)),
      str('i'.repeat(129)),
      str('i'.repeat(1_000)),
      str('\u{1f600}'.repeat(33)), // 66 UTF-16 units
      '1',
      '0',
      '{}',
      '[]',
      '["a"]',
      'null',
      'true',
      '{"__proto__":"x"}',
    ]);
    const fields = this.valid().map(([k, v]): [string, string] => (k === 'id' ? [k, id] : [k, v]));
    return { text: raw(fields) };
  }

  private badChannel() {
    const channel = this.rng.pick([
      '',
      `fuzz:${'c'.repeat(124)}`, // 129 characters
      'fuzz:a b',
      'fuzz:\u00e9',
      'fuzz:a/b',
      'fuzz:*',
      'fuzz:\u0000',
      'fuzz:\u{1f600}',
      'fuzz:\ud800',
      ' fuzz:1',
      'fuzz:1\n',
    ]);
    const type = this.rng.pick(['subscribe', 'unsubscribe', 'publish', 'ping', 'chat']);
    const fields: Array<[string, string]> = [['type', str(type)], ['id', str(this.id())], ['channel', str(channel)]];
    if (type === 'publish' || type === 'chat') fields.push(['payload', '1']);
    return { text: raw(fields) };
  }

  private prototypeNames() {
    const name = this.rng.pick(HOSTILE_NAMES);
    const id = () => str(this.id());
    return {
      text: this.rng.pick([
        // …as the type, with and without an id
        () => raw([['type', str(name)], ['id', id()]]),
        () => raw([['type', str(name)], ['id', id()], ['payload', this.json(2)]]),
        () => raw([['type', str(name)]]),
        () => raw([['type', str(name)], ['payload', '{}']]),
        () => raw([['type', str(name)], ['id', id()], ['channel', str(`fuzz:${name}`)], ['payload', '1']]),
        // …as the channel
        () => raw([['type', '"subscribe"'], ['id', id()], ['channel', str(this.rng.chance(0.5) ? name : `fuzz:${name}`)]]),
        () => raw([['type', '"unsubscribe"'], ['id', id()], ['channel', str(this.rng.chance(0.5) ? name : `fuzz:${name}`)]]),
        () => raw([['type', '"publish"'], ['id', id()], ['channel', str(this.rng.chance(0.5) ? name : `fuzz:${name}`)], ['payload', '{"a":1}']]),
        // …as a top-level field
        () => raw([['type', '"ping"'], ['id', id()], [name, this.json(1)]]),
        () => raw([[name, '"ping"'], ['id', id()]]),
        // …and as keys inside the payload
        () => raw([['type', '"publish"'], ['id', id()], ['channel', str(`fuzz:${this.rng.int(0, 23)}`)], ['payload', `{"__proto__":{"polluted":true},${str(name)}:{"prototype":{"polluted":true}}}`]]),
        () => raw([['type', '"subscribe"'], ['id', id()], ['channel', '"fuzz:1"'], ['payload', `{"__proto__":{"since":{"epoch":"x","offset":1}}}`]]),
        () => raw([['type', '"auth"'], ['id', id()], ['payload', '{"__proto__":{"token":"x"}}']]),
        () => raw([['type', '"chat"'], ['id', id()], ['payload', `{${str(name)}:1,"__proto__":[]}`]]),
      ])(),
    };
  }

  private deep() {
    const depth = this.rng.pick([MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, MAX_JSON_DEPTH + 2, 100, 1_000, 5_000, 10_000, 32_000]);
    const style = depth <= 4_000 ? this.rng.pick(['array', 'object', 'proto'] as const) : depth <= 10_000 ? this.rng.pick(['array', 'object'] as const) : 'array';
    const payload = nested(depth, style);
    const type = this.rng.pick(['publish', 'publish', 'chat', 'ping', 'subscribe', 'auth']);
    if (this.rng.chance(0.1)) {
      // 100k levels would not fit the size limit as JSON; their unclosed start still must not hurt.
      return { text: `{"type":"publish","id":${str(this.id())},"channel":"fuzz:1","payload":${'['.repeat(60_000)}` };
    }
    const fields: Array<[string, string]> = [['type', str(type)], ['id', str(this.id())]];
    if (type === 'publish' || type === 'subscribe') fields.push(['channel', str(`fuzz:${this.rng.int(0, 23)}`)]);
    fields.push(['payload', payload]);
    return { text: raw(fields) };
  }

  private huge() {
    const target = MAX_MESSAGE_BYTES - this.rng.int(0, 64);
    const type = this.rng.pick(['chat', 'ping', 'publish', 'broken']);
    const head = type === 'publish' ? `{"type":"publish","id":${str(this.id())},"channel":"fuzz:big","payload":"` : `{"type":${str(type)},"id":${str(this.id())},"payload":"`;
    const tail = type === 'broken' ? '' : '"}';
    const filler = this.rng.pick(['a', '\u00e9', '\u{1f600}', '\\u0000']);
    let body = '';
    const room = target - Buffer.byteLength(head) - Buffer.byteLength(tail);
    const unit = Buffer.byteLength(filler);
    body = filler.repeat(Math.floor(room / unit));
    body += 'a'.repeat(room - Buffer.byteLength(body));
    return { text: head + body + tail };
  }

  private applicationType() {
    const type = this.rng.pick(['chat', 'message', 'welcome', 'ack', 'error', 'pong', 'reconnect', 'PING', 'Publish', ' ping', 'ping ', 't'.repeat(MAX_TYPE_LENGTH), 't'.repeat(MAX_TYPE_LENGTH + 1), '\u0000', '\u{1f600}']);
    const fields: Array<[string, string]> = [['type', str(type)]];
    if (this.rng.chance(0.85)) fields.push(['id', str(this.id())]);
    if (this.rng.chance(0.7)) fields.push(['payload', this.json(3)]);
    return { text: raw(fields) };
  }

  private duplicateKeys() {
    const id = str(this.id());
    return {
      text: this.rng.pick([
        `{"type":"publish","type":"ping","id":${id}}`,
        `{"id":1,"type":"chat","id":${id}}`,
        `{"type":"ping","id":${id},"id":""}`,
        `{"type":"subscribe","id":${id},"channel":"nope nope","channel":"fuzz:1"}`,
        `{"type":"ping","type":null,"id":${id}}`,
      ]),
    };
  }

  private escapedNames() {
    const id = str(this.id());
    return {
      text: this.rng.pick([
        `{"type":"p\\u0069ng","id":${id}}`,
        `{"\\u0074ype":"ping","id":${id}}`,
        `{"type":"\\u0063onstructor","id":${id}}`,
        `{"type":"__proto\\u005f_","id":${id}}`,
        `{"type":"ping","\\u0069d":${id}}`,
        `{"type":"publish","id":${id},"channel":"fuzz:\\u0031","payload":{"\\u005f_proto__":1}}`,
      ]),
    };
  }
}

// ---------------------------------------------------------------------------------------
// One fuzzed connection: send in windows, match every answer to its frame
// ---------------------------------------------------------------------------------------

interface Pending extends Expectation {
  n: number;
  category: string;
  excerpt: string;
}

interface RunReport {
  sent: number;
  byCategory: Record<string, number>;
  outcomes: Record<string, number>;
  violations: number;
  examples: string[];
}

const excerpt = (text: string) => `${JSON.stringify(text.length > 140 ? `${text.slice(0, 140)}…` : text)} (${Buffer.byteLength(text)} bytes)`;

class FuzzedConnection {
  private readonly byId = new Map<string, Pending>();
  private readonly withoutId: Pending[] = [];
  private readonly syncs = new Map<string, () => void>();
  private readonly lastOffset = new Map<string, { epoch: string; offset: number }>();
  readonly report: RunReport = { sent: 0, byCategory: {}, outcomes: {}, violations: 0, examples: [] };
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(
    readonly socket: WebSocket,
    private readonly conn: number,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    socket.on('error', (error) => this.violation(`socket error: ${error.message}`));
    this.closed = new Promise((resolve) => socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
  }

  private violation(problem: string): void {
    this.report.violations++;
    if (this.report.examples.length < 8) this.report.examples.push(`[connection ${this.conn}] ${problem}`);
  }

  private receive(data: Buffer, isBinary: boolean): void {
    let answer: Frame;
    try {
      if (isBinary) throw new Error('binary');
      answer = JSON.parse(data.toString('utf8')) as Frame;
    } catch {
      return this.violation(`gateway sent a frame that is not JSON text: ${excerpt(data.toString('utf8'))}`);
    }
    if (answer.type === 'message') return this.message(answer);
    if (answer.type === 'pong' && typeof answer.id === 'string' && this.syncs.has(answer.id)) {
      const wake = this.syncs.get(answer.id)!;
      this.syncs.delete(answer.id);
      return wake();
    }
    const outcome = answer.type === 'error' ? `error:${answer.payload?.code}` : answer.type;
    this.report.outcomes[outcome] = (this.report.outcomes[outcome] ?? 0) + 1;
    if (answer.type === 'error') {
      const code = answer.payload?.code;
      if (!PROTOCOL_ERROR_CODES.has(code)) this.violation(`error code ${JSON.stringify(code)} is not one of the protocol's: ${excerpt(data.toString())}`);
      if (code === ErrorCode.INTERNAL) this.violation(`INTERNAL answered: ${excerpt(data.toString())}`);
    }
    let pending: Pending | undefined;
    if (answer.id !== undefined) {
      pending = typeof answer.id === 'string' ? this.byId.get(answer.id) : undefined;
      if (!pending) return this.violation(`answer with an id no pending frame has (late, duplicate or invented): ${excerpt(data.toString())}`);
      this.byId.delete(answer.id);
    } else {
      pending = this.withoutId.shift();
      if (!pending) return this.violation(`answer without id while no frame without a valid id is pending: ${excerpt(data.toString())}`);
    }
    if (!pending.allowed.includes(outcome)) {
      this.violation(
        `frame #${pending.n} [${pending.category}] ${pending.excerpt}: answered ${outcome}, expected ${pending.allowed.join(' or ')}` +
          `${pending.id === undefined ? ' (matched in order among frames without a valid id)' : ''}; answer ${excerpt(data.toString())}`,
      );
    } else if (outcome === 'ack' && pending.check) {
      const problem = pending.check(answer);
      if (problem) this.violation(`frame #${pending.n} [${pending.category}] ${pending.excerpt}: ${problem}; answer ${excerpt(data.toString())}`);
    }
  }

  /** Channel publications: per channel, offsets only grow within an epoch. */
  private message(frame: Frame): void {
    const { channel, offset, epoch } = frame as Frame & { channel?: unknown; offset?: unknown; epoch?: unknown };
    if (typeof channel !== 'string' || typeof offset !== 'number' || typeof epoch !== 'string') {
      return this.violation(`message frame without channel, offset and epoch: ${excerpt(JSON.stringify(frame))}`);
    }
    const last = this.lastOffset.get(channel);
    if (last && last.epoch === epoch && offset <= last.offset) {
      this.violation(`message on ${channel} with offset ${offset} after ${last.offset}`);
    }
    this.lastOffset.set(channel, { epoch, offset });
  }

  private sync(id: string): Promise<void> {
    return new Promise((resolve) => {
      this.syncs.set(id, resolve);
      this.socket.send(JSON.stringify({ type: 'ping', id }));
    });
  }

  /** Sends `total` frames in windows; after each, two ping round trips prove every answer is in. */
  async run(generator: FrameGenerator, ctx: FuzzContext, total: number): Promise<void> {
    let aborted: string | undefined;
    void this.closed.then(({ code, reason }) => (aborted = `connection closed ${code} ${reason}`));
    for (let sent = 0; sent < total && !aborted; ) {
      const size = Math.min(WINDOW, total - sent);
      for (let i = 0; i < size; i++) {
        const candidate = generator.next();
        const n = ++sent;
        this.report.byCategory[candidate.category] = (this.report.byCategory[candidate.category] ?? 0) + 1;
        if (candidate.binary) {
          this.withoutId.push({ n, category: candidate.category, excerpt: `<binary ${candidate.binary.length} bytes>`, allowed: ['error:UNSUPPORTED_DATA'] });
          this.socket.send(candidate.binary, { binary: true });
          continue;
        }
        const bytes = Buffer.from(candidate.text!, 'utf8');
        if (bytes.length > MAX_MESSAGE_BYTES) throw new Error(`generator made a ${bytes.length}-byte frame [${candidate.category}]`);
        const wire = bytes.toString('utf8');
        const expectation = expectationFor(wire, ctx);
        const pending: Pending = { ...expectation, n, category: candidate.category, excerpt: excerpt(wire) };
        if (expectation.id === undefined) this.withoutId.push(pending);
        else if (this.byId.has(expectation.id)) throw new Error(`generator reused id ${expectation.id}`);
        else this.byId.set(expectation.id, pending);
        this.socket.send(bytes, { binary: false });
      }
      this.report.sent = sent;
      const window = Math.ceil(sent / WINDOW);
      const settled = Promise.race([
        this.sync(`sync:${this.conn}:${window}:a`).then(() => this.sync(`sync:${this.conn}:${window}:b`)),
        this.closed,
      ]);
      await settled;
      if (aborted) break;
      for (const pending of [...this.byId.values(), ...this.withoutId]) {
        this.violation(`frame #${pending.n} [${pending.category}] ${pending.excerpt}: no answer (expected ${pending.allowed.join(' or ')}${pending.id ? ` with id ${JSON.stringify(pending.id)}` : ''})`);
      }
      this.byId.clear();
      this.withoutId.length = 0;
    }
    if (aborted) this.violation(`${aborted} after ${this.report.sent} frames`);
  }
}

async function openFuzzSocket(gateway: RunningGateway, userId: string): Promise<FuzzedConnection> {
  const token = await signToken(userId);
  const socket = new WebSocket(gateway.ws(), [SUBPROTOCOL], { headers: { authorization: `Bearer ${token}` } });
  const welcome = new Promise<void>((resolve, reject) => {
    socket.once('message', (data: Buffer) => (JSON.parse(data.toString()).type === 'welcome' ? resolve() : reject(new Error(`first frame: ${data}`))));
    socket.once('error', reject);
  });
  await welcome;
  return new FuzzedConnection(socket, Number(userId.split('-').pop()));
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

describe(`frame fuzzer, seed ${SEED_HEX}`, () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(FUZZ_ENV);
  });
  afterAll(async () => {
    await gw.stop();
  });

  it(
    `answers each of ${CONNECTIONS * FRAMES_PER_CONNECTION} seeded frames (seed ${SEED_HEX}) exactly once, with a protocol code, never INTERNAL, echoing valid ids, in bounded memory and logs`,
    async () => {
      const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => openFuzzSocket(gw, `fuzz-user-${i}`)));
      const contexts = await Promise.all(sockets.map(async (_, i) => ({ userId: `fuzz-user-${i}`, selfToken: await signToken(`fuzz-user-${i}`) })));
      const rssBefore = await metric(gw, 'process_resident_memory_bytes');
      const logLinesBefore = gw.logs().length;
      const outputBefore = gw.output().length;

      await Promise.all(
        sockets.map((socket, i) => socket.run(new FrameGenerator(new Rng((SEED + Math.imul(i + 1, 0x9e3779b9)) >>> 0), i, contexts[i]!), contexts[i]!, FRAMES_PER_CONNECTION)),
      );

      const rssAfter = await metric(gw, 'process_resident_memory_bytes');
      const reports = sockets.map((s) => s.report);
      const total = <K extends 'byCategory' | 'outcomes'>(key: K) =>
        reports.reduce<Record<string, number>>((sum, r) => {
          for (const [k, v] of Object.entries(r[key])) sum[k] = (sum[k] ?? 0) + v;
          return sum;
        }, {});
      const outcomes = total('outcomes');

      // Every frame answered exactly once, as the protocol says, with its id.
      expect({ violations: reports.reduce((n, r) => n + r.violations, 0), examples: reports.flatMap((r) => r.examples) }).toEqual({ violations: 0, examples: [] });
      expect(reports.reduce((n, r) => n + r.sent, 0)).toBeGreaterThanOrEqual(100_000);
      // The mix really reached every branch: acks, pongs, and each refusal the categories aim at.
      const reached = ['ack', 'pong', 'error:INVALID_JSON', 'error:INVALID_MESSAGE', 'error:UNKNOWN_TYPE', 'error:UNSUPPORTED_DATA', 'error:FORBIDDEN', 'error:UNAUTHORIZED'];
      expect(Object.fromEntries(reached.map((o) => [o, (outcomes[o] ?? 0) > 50]))).toEqual(Object.fromEntries(reached.map((o) => [o, true])));
      expect(Object.keys(total('byCategory')).length).toBe(18);

      // Bounded memory, and no stack trace (or error line) per bad frame.
      expect(rssAfter - rssBefore).toBeLessThan(150 * MiB);
      const logged = gw.output().slice(outputBefore);
      expect(logged.length).toBeLessThan(1 * MiB);
      expect(gw.output().split('\n').filter((line) => line.includes('at parseClientFrame')).map((line) => line.slice(0, 300))).toEqual([]);
      expect(logged).not.toMatch(/\\n\s+at /);
      expect(gw.logs().slice(logLinesBefore).filter((line) => Number(line.level) >= 50).map((line) => line.msg)).toEqual([]);

      for (const socket of sockets) {
        socket.socket.close(1000);
        await socket.closed;
      }
    },
    120_000,
  );

  it('closes 1009 on a text or binary frame one byte over MAX_MESSAGE_BYTES, and answers one of exactly the limit', async () => {
    const token = await signToken('oversize');
    const head = '{"type":"chat","id":"big","payload":"';
    const exact = head + 'a'.repeat(MAX_MESSAGE_BYTES - head.length - 2) + '"}';
    expect(Buffer.byteLength(exact)).toBe(MAX_MESSAGE_BYTES);

    const { client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${token}` } });
    const answers = answersIn(await exchange(client, [exact]));
    expect(answers).toEqual([expect.objectContaining({ type: 'error', id: 'big', payload: expect.objectContaining({ code: 'UNKNOWN_TYPE' }) })]);
    client.send(`${exact} `);
    expect((await client.closed).code).toBe(CloseCode.TOO_LARGE);

    const { client: binary } = await connect(gw.ws(), { headers: { authorization: `Bearer ${token}` } });
    binary.socket.send(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x61), { binary: true });
    expect((await binary.closed).code).toBe(CloseCode.TOO_LARGE);
  });

  it('still serves', async () => {
    await expectServing(gw);
  });
});

describe('Object.prototype member names in frames', () => {
  let gw: RunningGateway;
  let client: TestSocket;
  beforeAll(async () => {
    gw = await startGateway(FUZZ_ENV);
    ({ client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('proto-user')}` } }));
  });
  afterAll(async () => {
    await client.close();
    await gw.stop();
  });

  it('covers every Object.prototype member', () => {
    expect(OBJECT_PROTOTYPE_NAMES).toEqual(expect.arrayContaining(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__']));
  });

  it.each(HOSTILE_NAMES.map((name) => [name]))('treats type %j as an application type: UNKNOWN_TYPE echoing the id, INVALID_MESSAGE without one', async (name) => {
    const frames = [
      { type: name, id: `t:${name}` },
      { type: name, id: `p:${name}`, payload: { a: 1 } },
      { type: name, id: name },
      { type: name },
      { type: name, payload: {} },
    ];
    const answers = answersIn(await exchange(client, frames));
    expect(answers).toHaveLength(frames.length);
    for (const id of [`t:${name}`, `p:${name}`, name]) {
      expect(answers.filter((a) => a.id === id)).toEqual([expect.objectContaining({ type: 'error', id, payload: expect.objectContaining({ code: 'UNKNOWN_TYPE' }) })]);
    }
    const withoutId = answers.filter((a) => !('id' in a));
    expect(withoutId.map((a) => a.payload?.code)).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE']);
  });

  it.each(HOSTILE_NAMES.map((name) => [name]))('treats %j as an ordinary channel name and top-level field name', async (name) => {
    const answers = answersIn(
      await exchange(client, [
        { type: 'subscribe', id: `s:${name}`, channel: `fuzz:${name}` },
        { type: 'publish', id: `pub:${name}`, channel: `fuzz:${name}`, payload: { n: 1 } },
        { type: 'subscribe', id: `forbidden:${name}`, channel: name },
        { type: 'unsubscribe', id: `u:${name}`, channel: name },
        { type: 'unsubscribe', id: `u2:${name}`, channel: `fuzz:${name}` },
        `{"type":"ping","id":${str(`f:${name}`)},${str(name)}:1}`,
      ]),
    );
    const byId = (id: string) => answers.find((a) => a.id === id);
    expect(byId(`s:${name}`)).toMatchObject({ type: 'ack', payload: { channel: `fuzz:${name}`, recovered: false } });
    expect(byId(`pub:${name}`)).toMatchObject({ type: 'ack', payload: { offset: expect.any(Number) } });
    expect(byId(`forbidden:${name}`)).toMatchObject({ type: 'error', payload: { code: 'FORBIDDEN' } });
    expect(byId(`u:${name}`)).toMatchObject({ type: 'ack' });
    expect(byId(`u2:${name}`)).toMatchObject({ type: 'ack', payload: { channel: `fuzz:${name}` } });
    expect(byId(`f:${name}`)).toMatchObject({ type: 'error', payload: { code: 'INVALID_MESSAGE' } });
    expect(answers).toHaveLength(6);
  });

  it('passes payloads with __proto__ and constructor keys through unchanged, and keeps answering normally', async () => {
    const payloadText = '{"__proto__":{"polluted":true,"type":"ping"},"constructor":{"prototype":{"polluted":true}},"toString":"x"}';
    const frames = await exchange(client, [
      { type: 'subscribe', id: 'pp:s', channel: 'fuzz:pp' },
      `{"type":"publish","id":"pp:p","channel":"fuzz:pp","payload":${payloadText}}`,
      `{"type":"ping","id":"pp:ping","payload":${payloadText}}`,
      `{"type":"chat","id":"pp:chat","payload":${payloadText}}`,
      { type: 'ping', id: 'pp:after' },
      '{"type":"ping"}',
    ]);
    const message = frames.find((f) => f.type === 'message' && f.channel === 'fuzz:pp');
    expect(JSON.stringify(message?.payload)).toBe(JSON.stringify(JSON.parse(payloadText)));
    const answers = answersIn(frames);
    expect(answers.map((a) => [a.id, a.type === 'error' ? a.payload.code : a.type])).toEqual([
      ['pp:s', 'ack'],
      ['pp:p', 'ack'],
      ['pp:ping', 'pong'],
      ['pp:chat', 'UNKNOWN_TYPE'],
      ['pp:after', 'pong'],
      [undefined, 'pong'],
    ]);
  });

  it('logs no stack trace for any of these frames', () => {
    expect(gw.output().split('\n').filter((line) => line.includes('at parseClientFrame')).map((line) => line.slice(0, 300))).toEqual([]);
    expect(gw.logs().filter((line) => Number(line.level) >= 50).map((line) => line.msg)).toEqual([]);
  });

  it('still serves', async () => {
    await expectServing(gw);
  });
});

describe('the rate limit counts every frame (defaults: 60 per 10 s, burst 60)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ ...SECRET_ENV });
  });
  afterAll(async () => {
    await gw.stop();
  });

  /** Sends `frames`, then a ping; resolves with the close, or with 'open' once the ping is answered. */
  async function flood(client: TestSocket, frames: object[]): Promise<{ code: number; reason: string } | 'still open'> {
    for (const frame of frames) client.send(frame);
    client.send({ type: 'ping', id: 'after-flood' });
    const answered = (async () => {
      for (;;) {
        const frame = await client.next();
        if (frame.type === 'pong' && frame.id === 'after-flood') return 'still open' as const;
      }
    })().catch(() => new Promise<never>(() => undefined)); // a close wins the race below
    return Promise.race([client.closed, answered]);
  }

  it('closes a connection that floods 200 frames of type "constructor" with 1008 rate-limit', async () => {
    const { client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('flood-constructor')}` } });
    const frames = Array.from({ length: 200 }, (_, i) => ({ type: 'constructor', id: `c${i}` }));
    const outcome = await flood(client, frames);
    expect(outcome).toEqual({ code: CloseCode.POLICY, reason: PolicyCloseReason.RATE_LIMIT });
    const answers = client.frames.slice(1);
    // Each answered in order, with its id: first from the bucket, then refused.
    expect(answers.map((a) => a.id)).toEqual(frames.slice(0, answers.length).map((f) => f.id));
    const codes = answers.map((a) => a.payload?.code);
    expect(new Set(codes)).toEqual(new Set(['UNKNOWN_TYPE', 'RATE_LIMITED']));
    expect(codes.filter((c) => c === 'UNKNOWN_TYPE').length).toBeLessThanOrEqual(70);
    expect(answers.find((a) => a.payload?.code === 'RATE_LIMITED')?.payload.retryAfterMs).toEqual(expect.any(Number));
  });

  it('closes a connection that floods Object.prototype names without ids with 1008 rate-limit', async () => {
    const { client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('flood-anonymous')}` } });
    const frames = Array.from({ length: 200 }, (_, i) => ({ type: OBJECT_PROTOTYPE_NAMES[i % OBJECT_PROTOTYPE_NAMES.length] }));
    const outcome = await flood(client, frames);
    expect(outcome).toEqual({ code: CloseCode.POLICY, reason: PolicyCloseReason.RATE_LIMIT });
    const codes = client.frames.slice(1).map((a) => a.payload?.code);
    expect(new Set(codes)).toEqual(new Set(['INVALID_MESSAGE', 'RATE_LIMITED']));
  });

  it('still serves', async () => {
    await expectServing(gw);
  });
});

describe('JSON nesting depth (MAX_JSON_DEPTH, default 64)', () => {
  let gw: RunningGateway;
  let client: TestSocket;
  // Room for 100k levels (200 kB); the depth limit, not the size limit, must refuse them.
  const DEEP_ENV = { ...FUZZ_ENV, API_KEY, MAX_MESSAGE_BYTES: '1048576' };
  const api = (path: string, body?: string) =>
    fetch(gw.http(path), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body,
    });
  const publishFrame = (id: string, channel: string, payload: string) => `{"type":"publish","id":"${id}","channel":"${channel}","payload":${payload}}`;

  beforeAll(async () => {
    gw = await startGateway(DEEP_ENV);
    ({ client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('deep-user')}` } }));
  });
  afterAll(async () => {
    await client.close();
    await gw.stop();
  });

  it('acks a payload nested 64 deep and refuses 65 with INVALID_MESSAGE echoing the id, arrays and objects alike', async () => {
    const answers = answersIn(
      await exchange(client, [
        publishFrame('d64a', 'fuzz:depth', nested(64, 'array')),
        publishFrame('d65a', 'fuzz:depth', nested(65, 'array')),
        publishFrame('d64o', 'fuzz:depth', nested(64, 'object')),
        publishFrame('d65o', 'fuzz:depth', nested(65, 'object')),
        publishFrame('d65p', 'fuzz:depth', nested(65, 'proto')),
      ]),
    );
    expect(answers.map((a) => [a.id, a.type === 'error' ? a.payload.code : a.type])).toEqual([
      ['d64a', 'ack'],
      ['d65a', 'INVALID_MESSAGE'],
      ['d64o', 'ack'],
      ['d65o', 'INVALID_MESSAGE'],
      ['d65p', 'INVALID_MESSAGE'],
    ]);
  });

  it('refuses 100k levels in any frame type with INVALID_MESSAGE', async () => {
    const deep = nested(100_000);
    const answers = answersIn(
      await exchange(client, [
        `{"type":"ping","id":"deep-ping","payload":${deep}}`,
        `{"type":"chat","id":"deep-chat","payload":${deep}}`,
        `{"type":"subscribe","id":"deep-sub","channel":"fuzz:x","payload":${deep}}`,
        `{"type":"ping","payload":${deep}}`,
      ]),
    );
    expect(answers.map((a) => [a.id, a.payload?.code])).toEqual([
      ['deep-ping', 'INVALID_MESSAGE'],
      ['deep-chat', 'INVALID_MESSAGE'],
      ['deep-sub', 'INVALID_MESSAGE'],
      [undefined, 'INVALID_MESSAGE'],
    ]);
  });

  it('stores nothing for a refused 100k-deep publish: subscribers see contiguous offsets, recovery and history work', async () => {
    const channel = 'fuzz:poison';
    const { client: live } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('deep-live')}` } });
    const subscribed = answersIn(await exchange(live, [{ type: 'subscribe', id: 'live', channel }]));
    expect(subscribed).toEqual([expect.objectContaining({ type: 'ack', id: 'live' })]);

    const answers = answersIn(
      await exchange(client, [
        publishFrame('before', channel, '{"n":1}'),
        publishFrame('deep', channel, nested(100_000)),
        publishFrame('deep-objects', channel, nested(60_000, 'object')),
        publishFrame('after', channel, '{"n":2}'),
      ]),
    );
    expect(answers.map((a) => [a.id, a.type === 'error' ? a.payload.code : a.type])).toEqual([
      ['before', 'ack'],
      ['deep', 'INVALID_MESSAGE'],
      ['deep-objects', 'INVALID_MESSAGE'],
      ['after', 'ack'],
    ]);
    const [before, after] = [answers[0]!.payload, answers[3]!.payload];
    expect(after.epoch).toBe(before.epoch);
    expect(after.offset).toBe(before.offset + 1);

    // The live subscriber got both, without a gap.
    const delivered = (await exchange(live, [])).filter((f) => f.type === 'message' && f.channel === channel);
    expect(delivered.map((m) => [m.offset, m.payload])).toEqual([
      [before.offset, { n: 1 }],
      [after.offset, { n: 2 }],
    ]);
    await live.close();

    // A subscriber recovering from before the first publication gets exactly the two.
    const { client: late } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('deep-late')}` } });
    const recovered = answersIn(await exchange(late, [{ type: 'subscribe', id: 'late', channel, payload: { since: { epoch: before.epoch, offset: before.offset - 1 } } }]));
    expect(recovered).toEqual([expect.objectContaining({ type: 'ack', id: 'late', payload: expect.objectContaining({ recovered: true, offset: after.offset }) })]);
    expect(recovered[0]!.payload.publications.map((p: { offset: number }) => p.offset)).toEqual([before.offset, after.offset]);
    await late.close();

    const history = await api(`/api/channels/${channel}/history`);
    expect(history.status).toBe(200);
    const body = await history.json();
    expect(body.publications.map((p: { offset: number }) => p.offset)).toEqual([before.offset, after.offset]);
  });

  it('refuses deep payloads on POST /api/publish and /api/broadcast with 400 BAD_REQUEST and stores nothing', async () => {
    const channel = 'fuzz:api-deep';
    const publish = (payload: string) => api('/api/publish', `{"channel":"${channel}","payload":${payload}}`);
    const first = await publish(nested(64));
    expect(first.status).toBe(200);
    const { offset, epoch } = await first.json();

    for (const payload of [nested(65), nested(65, 'object'), nested(40_000)]) {
      const response = await publish(payload);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    }
    const broadcast = await api('/api/broadcast', `{"channels":["${channel}"],"payload":${nested(65)}}`);
    expect(broadcast.status).toBe(400);
    expect((await broadcast.json()).error.code).toBe('BAD_REQUEST');

    // 100k levels take 200 kB, over the API's body limit: refused either way, as JSON.
    const hundredK = await publish(nested(100_000));
    expect([400, 413]).toContain(hundredK.status);
    expect(await hundredK.json()).toEqual({ error: { code: hundredK.status === 400 ? 'BAD_REQUEST' : 'MESSAGE_TOO_LARGE', message: expect.any(String) } });

    const last = await publish('"fine"');
    expect(await last.json()).toEqual({ offset: offset + 1, epoch });
    const history = await api(`/api/channels/${channel}/history`);
    expect(history.status).toBe(200);
    expect((await history.json()).publications.map((p: { offset: number }) => p.offset)).toEqual([offset, offset + 1]);
  });

  it('takes MAX_JSON_DEPTH from the environment', async () => {
    const shallow = await startGateway({ ...DEEP_ENV, MAX_JSON_DEPTH: '8' });
    try {
      const { client: c } = await connect(shallow.ws(), { headers: { authorization: `Bearer ${await signToken('shallow')}` } });
      const answers = answersIn(await exchange(c, [publishFrame('eight', 'fuzz:s', nested(8)), publishFrame('nine', 'fuzz:s', nested(9))]));
      expect(answers.map((a) => [a.id, a.type === 'error' ? a.payload.code : a.type])).toEqual([
        ['eight', 'ack'],
        ['nine', 'INVALID_MESSAGE'],
      ]);
      await c.close();
      const response = await fetch(shallow.http('/api/publish'), {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: `{"channel":"fuzz:s","payload":${nested(9)}}`,
      });
      expect(response.status).toBe(400);
      await expectServing(shallow);
    } finally {
      await shallow.stop();
    }
  });

  it('logs no stack trace for refused deep frames', () => {
    expect(gw.logs().filter((line) => Number(line.level) >= 50).map((line) => line.msg)).toEqual([]);
  });

  it('still serves', async () => {
    await expectServing(gw);
  });
});

describe('MAX_SUBSCRIPTIONS_PER_CONNECTION (default 128)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(FUZZ_ENV);
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('refuses the 129th subscription with TOO_MANY_SUBSCRIPTIONS echoing its id, and does not subscribe it', async () => {
    const { client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('subscriber')}` } });
    const subscribes = Array.from({ length: 128 }, (_, i) => ({ type: 'subscribe', id: `s${i}`, channel: `fuzz:sub-${i}` }));
    const acks = answersIn(await exchange(client, subscribes));
    expect(acks.map((a) => [a.id, a.type])).toEqual(subscribes.map((s) => [s.id, 'ack']));

    const refused = answersIn(await exchange(client, [{ type: 'subscribe', id: 'one-more', channel: 'fuzz:sub-128' }]));
    expect(refused).toEqual([expect.objectContaining({ type: 'error', id: 'one-more', payload: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS' }) })]);

    // Not subscribed after all: its own publication there never comes back, one on a held channel does.
    const frames = await exchange(client, [
      { type: 'publish', id: 'p-refused', channel: 'fuzz:sub-128', payload: 1 },
      { type: 'publish', id: 'p-held', channel: 'fuzz:sub-0', payload: 2 },
    ]);
    expect(frames.filter((f) => f.type === 'message').map((f) => f.channel)).toEqual(['fuzz:sub-0']);

    // The cap is on subscriptions held: one freed makes room for one.
    const again = answersIn(
      await exchange(client, [
        { type: 'unsubscribe', id: 'free', channel: 'fuzz:sub-5' },
        { type: 'subscribe', id: 'room-again', channel: 'fuzz:sub-128' },
        { type: 'subscribe', id: 'full-again', channel: 'fuzz:sub-129' },
      ]),
    );
    expect(again.map((a) => [a.id, a.type === 'error' ? a.payload.code : a.type])).toEqual([
      ['free', 'ack'],
      ['room-again', 'ack'],
      ['full-again', 'TOO_MANY_SUBSCRIPTIONS'],
    ]);
    await client.close();
  });

  it('lists TOO_MANY_SUBSCRIPTIONS among the protocol library\'s error codes, as every code the gateway sends', () => {
    expect(PROTOCOL_ERROR_CODES.has('TOO_MANY_SUBSCRIPTIONS')).toBe(true);
  });

  it('still serves', async () => {
    await expectServing(gw);
  });
});
