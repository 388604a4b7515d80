import { useGateway, withGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { connect, type TestSocket } from '../support/test-socket.js';
import { signToken } from '../support/tokens.js';
import { FUZZ_ENV } from './fuzz/fuzz-env.js';
import { answersIn, exchange, nested } from './hostile-input.js';

const API_KEY = 'security-api-key-0123456789abcdef0123';

describe('JSON nesting depth (MAX_JSON_DEPTH, default 64)', () => {
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

  // Above useGateway, so that the client closes while the gateway still serves.
  afterAll(async () => {
    await client.close();
  });
  const gw = useGateway(DEEP_ENV);
  beforeAll(async () => {
    ({ client } = await connect(gw.ws(), { headers: { authorization: `Bearer ${await signToken('deep-user')}` } }));
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
    await withGateway({ ...DEEP_ENV, MAX_JSON_DEPTH: '8' }, async (shallow) => {
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
    });
  });

  it('logs no stack trace for refused deep frames', () => {
    expect(gw.logs().filter((line) => Number(line.level) >= 50).map((line) => line.msg)).toEqual([]);
  });

  it('still serves', async () => {
    await expectServing(gw);
  });
});
