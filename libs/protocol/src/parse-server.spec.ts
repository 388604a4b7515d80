import { isAckPayload, isSubscribeAck, parseServerFrame } from './parse-server.js';

const limits = { maxConnectionsPerUser: 5, rateLimit: { messages: 60, intervalMs: 10_000, burst: 60 }, maxMessageBytes: 65_536, heartbeatMs: 25_000 };
const welcomePayload = { connectionId: 'c1', userId: 'alice', protocol: 1, heartbeatMs: 25_000, expiresAt: 2e12, limits, serverTime: 1e12 };
const publication = { channel: 'room:1', payload: { text: 'hi' }, offset: 3, epoch: 'e1', ts: 1 };

/** One valid frame of every type the gateway sends, as it sends them. */
const VALID = {
  welcome: { type: 'welcome', payload: welcomePayload, ts: 1 },
  pong: { type: 'pong', id: 'hb:1', ts: 1 },
  ack: { type: 'ack', id: 'r1', payload: { offset: 1, epoch: 'e1' }, ts: 1 },
  error: { type: 'error', id: 'r1', payload: { code: 'RATE_LIMITED', message: 'slow down', recoverable: true, retryAfterMs: 200 }, ts: 1 },
  message: { type: 'message', ...publication },
  reconnect: { type: 'reconnect', payload: { afterMs: 1_500, reason: 'service restart' }, ts: 1 },
};

/** `frame` with `path` (dotted) set to `value`, or removed when `value` is `undefined`. */
function changed(frame: object, path: string, value: unknown): string {
  const copy = structuredClone(frame) as Record<string, unknown>;
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((node, key) => node[key] as Record<string, unknown>, copy);
  if (value === undefined) delete parent[keys.at(-1)!];
  else parent[keys.at(-1)!] = value;
  return JSON.stringify(copy);
}

describe('parseServerFrame', () => {
  it.each(Object.entries(VALID))('accepts a valid %s frame as it is', (_, frame) => {
    expect(parseServerFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
  });

  it('accepts the optional fields: a pong and an error without id, an ack without payload, error details, unknown extra fields', () => {
    const frames = [
      { type: 'pong', ts: 1 },
      { type: 'error', payload: { code: 'INVALID_JSON', message: 'bad', recoverable: false, details: [1] }, ts: 1 },
      { type: 'ack', id: 'u1', ts: 1 },
      { type: 'ack', id: 'p1', payload: null, ts: 1 },
      { type: 'message', ...publication, payload: null, future: true },
      { type: 'welcome', payload: { ...welcomePayload, region: 'eu', limits: { ...limits, extra: 1 } }, ts: 1 },
    ];
    for (const frame of frames) expect(parseServerFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
  });

  it('reports text that is not JSON as INVALID_JSON', () => {
    expect(parseServerFrame('{')).toEqual({ ok: false, code: 'INVALID_JSON', message: 'frame is not valid JSON' });
    expect(parseServerFrame('')).toMatchObject({ ok: false, code: 'INVALID_JSON' });
  });

  it.each([
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"welcome"'],
    ['a boolean', 'true'],
    ['an array', '[{"type":"pong","ts":1}]'],
    ['an empty array', '[]'],
  ])('refuses %s, which is not an object', (_, text) => {
    expect(parseServerFrame(text)).toEqual({ ok: false, code: 'INVALID_MESSAGE', message: 'frame must be a JSON object' });
  });

  it.each([
    ['no type', '{"ts":1}'],
    ['a numeric type', '{"type":1,"ts":1}'],
    ['a null type', '{"type":null,"ts":1}'],
  ])('refuses a frame with %s', (_, text) => {
    expect(parseServerFrame(text)).toEqual({ ok: false, code: 'INVALID_MESSAGE', message: '"type" must be a string' });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'ping', 'subscribe', 'chat.send', ''])(
    'refuses the type %j as UNKNOWN_TYPE, prototype names included',
    (type) => {
      expect(parseServerFrame(JSON.stringify({ type, ts: 1 }))).toEqual({ ok: false, code: 'UNKNOWN_TYPE', message: `unknown frame type ${JSON.stringify(type)}` });
    },
  );

  it('keeps an unknown type short in its message', () => {
    const result = parseServerFrame(JSON.stringify({ type: 'x'.repeat(10_000), ts: 1 }));
    expect(result).toMatchObject({ ok: false, code: 'UNKNOWN_TYPE' });
    expect(!result.ok && result.message.length).toBeLessThan(100);
  });

  it.each<[keyof typeof VALID, string, unknown]>([
    ['pong', 'ts', undefined],
    ['pong', 'ts', '1'],
    ['ack', 'ts', null],
    ['pong', 'id', { hb: 1 }],
    ['pong', 'id', 7],
    ['pong', 'channel', 7],
    ['welcome', 'payload', undefined],
    ['welcome', 'payload', null],
    ['welcome', 'payload', 'hello'],
    ['welcome', 'payload', []],
    ['welcome', 'payload.connectionId', 1],
    ['welcome', 'payload.userId', undefined],
    ['welcome', 'payload.protocol', 2],
    ['welcome', 'payload.heartbeatMs', 0],
    ['welcome', 'payload.expiresAt', '2030-01-01'],
    ['welcome', 'payload.serverTime', undefined],
    ['welcome', 'payload.limits', undefined],
    ['welcome', 'payload.limits', []],
    ['welcome', 'payload.limits.heartbeatMs', -1],
    ['welcome', 'payload.limits.maxMessageBytes', 0],
    ['welcome', 'payload.limits.maxConnectionsPerUser', 1.5],
    ['welcome', 'payload.limits.rateLimit', null],
    ['welcome', 'payload.limits.rateLimit.messages', '60'],
    ['welcome', 'payload.limits.rateLimit.intervalMs', 0],
    ['welcome', 'payload.limits.rateLimit.burst', 0.5],
    ['ack', 'id', undefined],
    ['ack', 'id', 1],
    ['ack', 'id', null],
    ['ack', 'id', ['r1']],
    ['error', 'id', 1],
    ['error', 'payload', undefined],
    ['error', 'payload', 'RATE_LIMITED'],
    ['error', 'payload', null],
    ['error', 'payload.code', 429],
    ['error', 'payload.code', undefined],
    ['error', 'payload.message', { text: 'x' }],
    ['error', 'payload.recoverable', 'yes'],
    ['error', 'payload.recoverable', undefined],
    ['error', 'payload.retryAfterMs', -5],
    ['error', 'payload.retryAfterMs', '200'],
    ['message', 'channel', undefined],
    ['message', 'channel', 1],
    ['message', 'offset', undefined],
    ['message', 'offset', -1],
    ['message', 'offset', 1.5],
    ['message', 'offset', '3'],
    ['message', 'offset', 2 ** 53],
    ['message', 'epoch', undefined],
    ['message', 'epoch', 1],
    ['message', 'payload', undefined],
    ['message', 'ts', undefined],
    ['reconnect', 'payload', undefined],
    ['reconnect', 'payload.afterMs', '1500'],
    ['reconnect', 'payload.afterMs', -1],
    ['reconnect', 'payload.afterMs', null],
    ['reconnect', 'payload.reason', undefined],
  ])('refuses a %s frame whose %s is %j, naming the field', (type, path, value) => {
    expect(parseServerFrame(changed(VALID[type], path, value))).toEqual({
      ok: false,
      code: 'INVALID_MESSAGE',
      message: `${type}: "${path}" is missing or has the wrong type`,
    });
  });

  it('refuses numbers JSON.parse reads as Infinity', () => {
    expect(parseServerFrame('{"type":"pong","ts":1e400}')).toMatchObject({ ok: false, message: 'pong: "ts" is missing or has the wrong type' });
    expect(parseServerFrame('{"type":"reconnect","payload":{"afterMs":1e400,"reason":"r"},"ts":1}')).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
  });

  it('never throws, whatever the text', () => {
    const texts = ['{"type":"welcome","payload":{"limits":{"rateLimit":"x"}},"ts":1}', '[[[[[[]]]]]]', '"\\u0000"', '{"__proto__":{"type":"ack"},"ts":1}', '9'.repeat(400), '['.repeat(100_000)];
    for (const text of texts) expect(() => parseServerFrame(text)).not.toThrow();
    expect(parseServerFrame('{"__proto__":{"type":"ack","id":"x"},"ts":1}')).toMatchObject({ ok: false, message: '"type" must be a string' });
  });
});

describe('isSubscribeAck', () => {
  const ack = { channel: 'room:1', epoch: 'e1', offset: 4, recovered: true, publications: [publication, { ...publication, offset: 4 }] };

  it('accepts an ack with or without recovered publications', () => {
    expect(isSubscribeAck(ack)).toBe(true);
    expect(isSubscribeAck({ ...ack, recovered: false, publications: [] })).toBe(true);
  });

  it.each([
    ['null', null],
    ['an array', [ack]],
    ['a string', 'ack'],
    ['no publications', { ...ack, publications: undefined }],
    ['null publications', { ...ack, publications: null }],
    ['publications that are an object', { ...ack, publications: { 0: publication } }],
    ['a publication that is null', { ...ack, publications: [null] }],
    ['a publication without offset', { ...ack, publications: [{ ...publication, offset: undefined }] }],
    ['a publication with a numeric epoch', { ...ack, publications: [{ ...publication, epoch: 1 }] }],
    ['a string recovered', { ...ack, recovered: 'true' }],
    ['a negative offset', { ...ack, offset: -1 }],
    ['a numeric epoch', { ...ack, epoch: 2 }],
    ['no channel', { ...ack, channel: undefined }],
  ])('refuses %s', (_, payload) => {
    expect(isSubscribeAck(payload)).toBe(false);
  });
});

describe('isAckPayload', () => {
  it.each([
    ['auth', { expiresAt: 2e12 }],
    ['unsubscribe', { channel: 'room:1' }],
    ['publish', { offset: 1, epoch: 'e1', extra: true }],
    ['application', undefined],
    ['application', { anything: ['the backend replied'] }],
  ] as const)('accepts a %s ack as the gateway sends it', (request, payload) => {
    expect(isAckPayload(request, payload)).toBe(true);
  });

  it.each([
    ['auth', { expiresAt: '2e12' }],
    ['auth', undefined],
    ['unsubscribe', {}],
    ['publish', { offset: 1.5, epoch: 'e1' }],
    ['publish', { offset: 1 }],
    ['subscribe', { offset: 1, epoch: 'e1' }],
  ] as const)('refuses a %s ack of the wrong shape: %j', (request, payload) => {
    expect(isAckPayload(request, payload)).toBe(false);
  });

  it('knows no request outside the table, whatever the caller passes', () => {
    expect(isAckPayload('constructor' as 'auth', { expiresAt: 1 })).toBe(false);
  });
});
