import { parseClientFrame } from './parse.js';

describe('parseClientFrame', () => {
  it('accepts each built-in frame with its required fields', () => {
    const frames = [
      { type: 'ping' },
      { type: 'ping', id: 'p' },
      { type: 'auth', id: 'a', payload: { token: 't' } },
      { type: 'subscribe', id: 's', channel: 'room:1' },
      { type: 'subscribe', id: 's', channel: 'room:1', payload: { since: { epoch: 'e', offset: 3 } } },
      { type: 'unsubscribe', id: 'u', channel: 'user:alice' },
      { type: 'publish', id: 'p', channel: 'room:1', payload: { text: 'hi' } },
      { type: 'chat.send', id: 'c', payload: [1, 2] },
    ];
    for (const frame of frames) expect(parseClientFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
  });

  it('reports invalid JSON without throwing', () => {
    expect(parseClientFrame('{')).toEqual({ ok: false, code: 'INVALID_JSON', message: 'frame is not valid JSON' });
    expect(parseClientFrame('')).toMatchObject({ ok: false, code: 'INVALID_JSON' });
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '42'],
    ['no type', '{}'],
    ['a boolean type', '{"type":true}'],
    ['a 65-character type', JSON.stringify({ type: 't'.repeat(65) })],
    ['an empty id', '{"type":"ping","id":""}'],
    ['an object id', '{"type":"ping","id":{}}'],
    ['a numeric channel', '{"type":"subscribe","id":"s","channel":1}'],
    ['a 129-character channel', JSON.stringify({ type: 'subscribe', id: 's', channel: 'c'.repeat(129) })],
    ['an unknown field', '{"type":"ping","extra":1}'],
    ['a client-set ts', '{"type":"ping","ts":1}'],
    ['subscribe without channel', '{"type":"subscribe","id":"s"}'],
    ['publish without payload', '{"type":"publish","id":"p","channel":"c"}'],
    ['auth with a numeric token', '{"type":"auth","id":"a","payload":{"token":1}}'],
    ['auth with an empty token', '{"type":"auth","id":"a","payload":{"token":""}}'],
    ['auth with an array payload', '{"type":"auth","id":"a","payload":[]}'],
  ])('refuses %s as INVALID_MESSAGE', (_name, text) => {
    const result = parseClientFrame(text);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
  });

  it('echoes a valid id in the failure, and only a valid one', () => {
    expect(parseClientFrame('{"type":"subscribe","id":"keep"}')).toMatchObject({ id: 'keep' });
    expect(parseClientFrame('{"type":"ping","id":7,"x":1}')).not.toHaveProperty('id');
  });

  it('names the missing field', () => {
    expect(parseClientFrame('{"type":"publish","id":"p","channel":"c"}')).toMatchObject({
      message: '"payload" is required for type "publish"',
    });
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])(
    'takes the Object.prototype name %s as an application type, without throwing',
    (type) => {
      expect(parseClientFrame(JSON.stringify({ type, id: 'x' }))).toEqual({ ok: true, frame: { type, id: 'x' } });
      expect(parseClientFrame(JSON.stringify({ type }))).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
    },
  );

  it('refuses a payload nested deeper than maxDepth, echoing the id', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const frame = (depth: number) => `{"type":"publish","id":"deep","channel":"c","payload":${nested(depth)}}`;
    expect(parseClientFrame(frame(64))).toMatchObject({ ok: true });
    expect(parseClientFrame(frame(65))).toEqual({
      ok: false,
      code: 'INVALID_MESSAGE',
      message: '"payload" nests deeper than 64 levels',
      id: 'deep',
    });
    expect(parseClientFrame(frame(100_000))).toMatchObject({ ok: false, code: 'INVALID_MESSAGE', id: 'deep' });
    expect(parseClientFrame(frame(3), { maxDepth: 2 })).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
  });
});
