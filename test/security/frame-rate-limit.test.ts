import { CloseCode, PolicyCloseReason } from '@switchboard/protocol';
import { useGateway } from '../support/gateway-resource.js';
import { expectServing } from '../support/serving.js';
import { connect, type TestSocket } from '../support/test-socket.js';
import { SECRET_ENV, signToken } from '../support/tokens.js';
import { OBJECT_PROTOTYPE_NAMES } from './hostile-input.js';

describe('the rate limit counts every frame (defaults: 60 per 10 s, burst 60)', () => {
  const gw = useGateway({ ...SECRET_ENV });

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
