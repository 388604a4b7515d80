/** The generator: seeded garbage across categories, every frame within MAX_MESSAGE_BYTES. */
import { MAX_ID_LENGTH, MAX_TYPE_LENGTH } from '@switchboard/protocol';
import { HOSTILE_NAMES, nested } from '../hostile-input.js';
import type { FuzzContext } from './fuzz-context.js';
import { MAX_JSON_DEPTH, MAX_MESSAGE_BYTES } from './gateway-defaults.js';
import { raw, str } from './json-text.js';
import type { Rng } from './rng.js';

interface Candidate {
  category: string;
  text?: string;
  binary?: Buffer;
}

export class FrameGenerator {
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
