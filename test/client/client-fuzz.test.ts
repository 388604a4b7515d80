import { ChannelModel } from '../support/channel-model.js';
import { FakeGateway } from '../support/fake-gateway.js';
import { ECHO, gatewayAnswers, HEALTHY, probe, sendHostile } from '../support/fuzz-session.js';
import { CATEGORIES, HostileFrames, type Category } from '../support/hostile-frames.js';
import { SdkChild, type ChildClientOptions } from '../support/sdk-child.js';

/** Override to replay another run: CLIENT_FUZZ_SEED=0x1234 npx jest test/client/client-fuzz.test.ts */
const SEED = Number(process.env.CLIENT_FUZZ_SEED ?? 0xc11e5eed) >>> 0;
const SEED_HEX = `0x${SEED.toString(16)}`;
const PER_CATEGORY = 150;
/** Frames of 64 KiB to 1 MiB: a few are enough, and keep the run fast. */
const HUGE = 12;
const MIXED = 3_000;
const CHANNEL = 'room:fuzz';
const OPTIONS: ChildClientOptions = { backoff: { initialMs: 20, factor: 2, maxMs: 200 }, requestTimeoutMs: 3_000 };

/** Each category its own stream, so a category replays alone; derived from the one seed. */
const seedFor = (category: Category) => (SEED + Math.imul(CATEGORIES.indexOf(category) + 1, 0x9e3779b9)) >>> 0;

describe(`the SDK in a Node process against a hostile server, seed ${SEED_HEX}`, () => {
  let gateway: FakeGateway | undefined;
  let child: SdkChild | undefined;
  let model: ChannelModel;

  /** A fake gateway and a child client subscribed to {@link CHANNEL} through it. */
  async function start(brokenAcks?: { seed: number; rate: number }): Promise<{ gateway: FakeGateway; child: SdkChild }> {
    model = new ChannelModel(CHANNEL);
    gateway = await FakeGateway.start({ answer: gatewayAnswers(model, brokenAcks) });
    child = SdkChild.start({ url: gateway.url, channel: CHANNEL, options: OPTIONS });
    // A subscription that fails on its first ack is the probe's to report, with the rest.
    await child.log.next((e) => e.event === 'subscription' && e.state !== 'subscribing', 'the first subscribe answer');
    return { gateway, child };
  }

  afterEach(async () => {
    await child?.stop();
    await gateway?.close();
    child = gateway = undefined;
  });

  it.each(CATEGORIES)(`survives seeded frames of category "%s" (seed ${SEED_HEX}): alive, typed errors, still requests and receives, no resubscribe loop`, async (category) => {
    const { gateway, child } = await start(category === 'broken subscribe ack' ? { seed: seedFor(category), rate: 0.5 } : undefined);
    const frames = new HostileFrames(seedFor(category), model, gateway.limits).take(category === 'huge' ? HUGE : PER_CATEGORY, category);

    const fuzzed = await sendHostile(child, gateway, frames).then(() => 'every frame handled', (error: Error) => error.message);

    const result = await probe(child, gateway, model);
    expect({ fuzzed, ...result, stderr: child.stderr() }).toEqual({ fuzzed: 'every frame handled', ...HEALTHY, stderr: '' });
  });

  it(`survives ${MIXED} seeded frames of every category interleaved (seed ${SEED_HEX}), and reports what it refuses as typed errors`, async () => {
    const { gateway, child } = await start({ seed: SEED, rate: 0.2 });
    const frames = new HostileFrames(SEED, model, gateway.limits).take(MIXED);
    expect(new Set(frames.map((f) => f.category))).toEqual(new Set(CATEGORIES));

    const fuzzed = await sendHostile(child, gateway, frames).then(() => 'every frame handled', (error: Error) => error.message);

    const result = await probe(child, gateway, model);
    expect({ fuzzed, ...result, stderr: child.stderr() }).toEqual({ fuzzed: 'every frame handled', ...HEALTHY, stderr: '' });
    // Invalid JSON alone is a few percent of the stream: a client that reports nothing hides it.
    expect(child.log.named('error').length).toBeGreaterThan(MIXED / 100);
  });

  // Raw JSON text: 1e309 parses to Infinity, which JSON.stringify cannot write.
  it.each(['"soon"', 'null', '-1', '{}', '1e309'])('does not obey a drain afterMs of %s: back within a second of the 1012', async (afterMs) => {
    const { gateway, child } = await start();
    const first = await gateway.connection(0);
    const from = child.log.events.length;
    first.sendText(`{"type":"reconnect","payload":{"afterMs":${afterMs},"reason":"drain"},"ts":1}`);
    first.close(1012, 'drain');

    await child.log.state('reconnecting', { from });
    await child.log.state('open', { from, timeoutMs: 1_000 });
    expect(await child.request(ECHO, 'back')).toMatchObject({ ok: true, payload: { echo: 'back' } });
    expect({ alive: child.alive, stderr: child.stderr() }).toEqual({ alive: true, stderr: '' });
  });
});
