import type { Json } from '@switchboard/protocol';
import { Rng } from '../security/fuzz/rng.js';
import type { ChannelModel } from './channel-model.js';
import type { SdkUnderTest } from './event-log.js';
import type { FakeConnection, FakeGateway, SentFrame } from './fake-gateway.js';
import { brokenSubscribeAck, type HostileFrame } from './hostile-frames.js';

/** The request type the fake answers with `{echo: payload}`: how a test knows the client still works. */
export const ECHO = 'probe.echo';
/** How long a probe waits for each answer; a healthy client on loopback needs milliseconds. */
const PROBE_MS = 3_000;

/**
 * What a gateway answers a fuzzed client: pongs, `auth`, echoes, and subscribes, those of
 * the model's channel from the model. With `brokenAcks`, a subscribe of that channel first
 * gets, at that rate, an ack whose payload is broken, then the valid one.
 */
export function gatewayAnswers(model: ChannelModel, brokenAcks?: { seed: number; rate: number }) {
  const rng = brokenAcks && new Rng(brokenAcks.seed);
  return (frame: SentFrame, connection: FakeConnection): void => {
    const id = frame.id ?? '';
    switch (frame.type) {
      case 'ping':
        return connection.send({ type: 'pong', id });
      case 'auth':
        return connection.ack(id, { expiresAt: Date.now() + 3_600_000 });
      case ECHO:
        return connection.ack(id, { echo: frame.payload ?? null });
      case 'unsubscribe':
        return connection.ack(id);
      case 'subscribe':
        if (frame.channel !== model.channel) return connection.ack(id, { channel: frame.channel ?? '', epoch: 'e', offset: 0, recovered: false, publications: [] });
        if (rng && rng.chance(brokenAcks!.rate)) connection.ack(id, brokenSubscribeAck(rng, model));
        return connection.ack(id, model.subscribeAck(frame) as unknown as Json);
    }
  };
}

/** Sends a hostile frame on the gateway's newest connection. */
function sendOne(gateway: FakeGateway, frame: HostileFrame): void {
  const connection = gateway.latest();
  if (frame.kind === 'binary') connection?.sendBinary(Buffer.from(frame.data, 'base64'));
  else connection?.sendText(frame.data);
}

/**
 * Sends `frames` in chunks, each followed by an echo request: its ack travels behind the
 * chunk, so once the client reports the answer it has handled every frame of the chunk.
 * @throws {Error} naming the chunk's categories when the client dies or stops answering.
 */
export async function sendHostile(sdk: SdkUnderTest, gateway: FakeGateway, frames: HostileFrame[], chunk = 50): Promise<void> {
  for (let at = 0; at < frames.length; at += chunk) {
    const batch = frames.slice(at, at + chunk);
    for (const frame of batch) sendOne(gateway, frame);
    const categories = [...new Set(batch.map((f) => f.category))].join(', ');
    let reply;
    try {
      reply = await sdk.request(ECHO, { sync: at }, PROBE_MS);
    } catch (error) {
      throw new Error(`after frames ${at}..${at + batch.length - 1} (${categories}): ${(error as Error).message}`);
    }
    if (!reply.ok) throw new Error(`after frames ${at}..${at + batch.length - 1} (${categories}) an echo failed: ${reply.code}`);
  }
}

/** What {@link probe} found; a healthy client gives {@link HEALTHY}. */
export interface ProbeResult {
  death: string | undefined;
  untypedErrors: unknown[];
  reply: unknown;
  deliveredFinal: number;
  resubscribesWhileIdle: number;
  /** The subscription's last state. */
  subscription: unknown;
  prototypeClean: unknown;
}

export const HEALTHY: ProbeResult = {
  death: undefined,
  untypedErrors: [],
  reply: { ok: true, payload: { echo: { probe: 'final' } } },
  deliveredFinal: 1,
  resubscribesWhileIdle: 0,
  subscription: 'subscribed',
  prototypeClean: true,
};

/**
 * Checks, after the fuzz, that the client is still of use: its host is alive, every error
 * it reported was a typed `SwitchboardError`, a request round-trips, a valid publication of
 * its channel is delivered exactly once, it has stopped resubscribing, and nothing polluted
 * `Object.prototype`. Each step is bounded, so a broken client fails with all of it at once.
 */
export async function probe(sdk: SdkUnderTest, gateway: FakeGateway, model: ChannelModel): Promise<ProbeResult> {
  const failed = (error: Error) => ({ failed: error.message.slice(0, 2_000) });
  const reply = await sdk.request(ECHO, { probe: 'final' }, PROBE_MS).then((r) => (r.ok ? { ok: true, payload: r.payload } : r), failed);
  const final = model.message(undefined, { probe: 'final' });
  gateway.latest()?.send(final);
  const isFinal = (e: { event: string; offset?: unknown; epoch?: unknown }) => e.event === 'message' && e.offset === final.offset && e.epoch === final.epoch;
  await sdk.log.next(isFinal, 'the final publication', { timeoutMs: PROBE_MS }).catch(() => undefined);
  const subscribes = () => gateway.connections.flatMap((c) => c.received).filter((f) => f.type === 'subscribe').length;
  const before = subscribes();
  await sdk.request(ECHO, { settle: true }, PROBE_MS).catch(() => undefined);
  const inspect = await sdk.inspect().catch(failed);
  return {
    death: sdk.log.dead,
    untypedErrors: sdk.log.events.filter((e) => (e.event === 'error' || e.event === 'subscription-error') && (e.codeType !== 'string' || !e.switchboardError)),
    reply,
    deliveredFinal: sdk.log.events.filter(isFinal).length,
    resubscribesWhileIdle: subscribes() - before,
    subscription: sdk.log.named('subscription').at(-1)?.state,
    prototypeClean: 'prototypeClean' in inspect ? inspect.prototypeClean : inspect,
  };
}
