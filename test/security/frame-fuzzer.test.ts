import { CloseCode } from '@switchboard/protocol';
import { useGateway } from '../support/gateway-resource.js';
import { metric } from '../support/metrics.js';
import { expectServing } from '../support/serving.js';
import { connect } from '../support/test-socket.js';
import { signToken } from '../support/tokens.js';
import { FrameGenerator } from './fuzz/frame-generator.js';
import { FUZZ_ENV } from './fuzz/fuzz-env.js';
import { openFuzzSocket } from './fuzz/fuzzed-connection.js';
import { MAX_MESSAGE_BYTES } from './fuzz/gateway-defaults.js';
import { Rng } from './fuzz/rng.js';
import { answersIn, exchange } from './hostile-input.js';

/** Override to replay another run: FUZZ_SEED=0x1234 npx jest test/security/frame-fuzzer.test.ts */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed5b0a) >>> 0;
const SEED_HEX = `0x${SEED.toString(16)}`;
const CONNECTIONS = 4;
const FRAMES_PER_CONNECTION = 25_000;
const MiB = 1024 * 1024;

describe(`frame fuzzer, seed ${SEED_HEX}`, () => {
  const gw = useGateway(FUZZ_ENV);

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
