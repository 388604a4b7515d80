import { useGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { connect, type TestSocket } from '../support/test-socket.js';
import { signToken } from '../support/tokens.js';
import { FUZZ_ENV } from './fuzz/fuzz-env.js';
import { str } from './fuzz/json-text.js';
import { HOSTILE_NAMES, OBJECT_PROTOTYPE_NAMES, answersIn, exchange } from './hostile-input.js';

describe('Object.prototype member names in frames', () => {
  let client: TestSocket;
  // Above useGateway, so that the client closes while the gateway still serves.
  afterAll(async () => {
    await client.close();
  });
  const gw = useGateway(FUZZ_ENV);
  beforeAll(async () => {
    ({ client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('proto-user')}` } }));
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
